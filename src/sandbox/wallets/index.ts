// Sandbox test wallets as a module: deterministic keys and signatures for testers (routes).
import type { Module } from '../../modules/index.ts';
import { registerSandboxWalletRoutes, sandboxWalletSchemas } from './routes.ts';

export const sandboxWalletsModule: Module = {
  name: 'sandbox-wallets',
  schemas: sandboxWalletSchemas,
  routes: registerSandboxWalletRoutes,
};
