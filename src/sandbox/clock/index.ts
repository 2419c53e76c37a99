// The sandbox clock as a module: POST /sandbox/clock:advance and its reads (routes; the clock is ctx.clock).
import type { Module } from '../../modules/index.ts';
import { registerSandboxClockRoutes, sandboxClockSchemas } from './routes.ts';

export const sandboxClockModule: Module = {
  name: 'sandbox-clock',
  schemas: sandboxClockSchemas,
  routes: registerSandboxClockRoutes,
};
