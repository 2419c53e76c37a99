// The Activity module: a user's activity items (routes).
import type { Module } from '../index.ts';
import { activitySchemas, registerActivityRoutes } from './routes.ts';

export const activityModule: Module = { name: 'activity', schemas: activitySchemas, routes: registerActivityRoutes };
