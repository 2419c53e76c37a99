// The built-in Plaid sandbox as a module: its Plaid-compatible API under /sandbox/plaid, the hosted
// Link page at /sandbox/link, and its webhook queue. Present only when ctx.plaid points at it (sandbox
// mode without a Plaid base URL). The queue is defined in every process, the routes only where the
// API is served (a worker process runs the queue and serves no routes).
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import type { Module } from '../../modules/index.ts';
import { registerLinkPageRoutes } from './link-routes.ts';
import { registerPlaidApiRoutes } from './routes.ts';
import { PlaidSandbox } from './sandbox.ts';

// One sandbox per app, shared by its routes and its queue; nothing outside this module sees it.
const sandboxes = new WeakMap<AppContext, PlaidSandbox | null>();

function sandboxOf(ctx: AppContext): PlaidSandbox | null {
  let sandbox = sandboxes.get(ctx);
  if (sandbox === undefined) {
    const credentials = ctx.plaid.sandboxCredentials;
    sandbox =
      ctx.plaid.environment !== 'builtin' || credentials === null || ctx.config.mode !== 'sandbox'
        ? null
        : new PlaidSandbox(ctx.db, ctx.clock, ctx.secrets.keyring, ctx.jobs, credentials, ctx.log);
    sandboxes.set(ctx, sandbox);
  }
  return sandbox;
}

export function registerPlaidSandbox(app: App, ctx: AppContext): void {
  const sandbox = sandboxOf(ctx);
  if (!sandbox) return;
  registerPlaidApiRoutes(app, sandbox);
  registerLinkPageRoutes(app, sandbox);
}

export const plaidSandboxModule: Module = {
  name: 'sandbox-plaid',
  routes: registerPlaidSandbox,
  jobs: (ctx) => sandboxOf(ctx)?.defineJobs(),
};
