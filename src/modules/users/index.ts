// The Users module: create and read users (routes).
import type { Module } from '../index.ts';
import { registerUserRoutes, userSchemas } from './routes.ts';

export const usersModule: Module = { name: 'users', schemas: userSchemas, routes: registerUserRoutes };
