// The sandbox chains as a module: their JSON-RPC endpoints, /sandbox/rpc/{network} (the chains themselves are ctx.chains).
import type { Module } from '../../modules/index.ts';
import { registerSandboxChainRoutes } from './routes.ts';

export const sandboxChainsModule: Module = { name: 'sandbox-chains', routes: registerSandboxChainRoutes };
