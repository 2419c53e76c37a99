// The Auth module: OTP and wallet sign-in, partner sessions (routes; sessions are ctx.sessions).
import type { Module } from '../index.ts';
import { authSchemas, registerAuthRoutes } from './routes.ts';

export const authModule: Module = { name: 'auth', schemas: authSchemas, routes: registerAuthRoutes };
