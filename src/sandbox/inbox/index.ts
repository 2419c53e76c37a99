// The sandbox inbox as a module: the SMS and email the sandbox providers delivered (routes; the store is ctx.inbox).
import type { Module } from '../../modules/index.ts';
import { inboxSchemas, registerInboxRoutes } from './routes.ts';

export const sandboxInboxModule: Module = { name: 'sandbox-inbox', schemas: inboxSchemas, routes: registerInboxRoutes };
