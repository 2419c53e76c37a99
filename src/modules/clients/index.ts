// The Clients module: partner clients, their secrets and sessions (routes; the authenticator is ctx.clientAuth).
import type { Module } from '../index.ts';
import { clientSchemas, registerClientRoutes } from './routes.ts';

export const clientsModule: Module = { name: 'clients', schemas: clientSchemas, routes: registerClientRoutes };
