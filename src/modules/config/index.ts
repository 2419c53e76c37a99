// The Config module: GET /v1/config (the assets it lists are lib/assets.ts).
import type { Module } from '../index.ts';
import { ConfigSchema, registerConfigRoutes } from './routes.ts';

export const configModule: Module = { name: 'config', schemas: [ConfigSchema], routes: registerConfigRoutes };
