// The built-in Plaid sandbox as a module: its Plaid-compatible API under /sandbox/plaid, the hosted
// Link page at /sandbox/link, and its webhook queue. Present only when ctx.plaid points at it (sandbox mode without a Plaid base URL).
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { registerLinkPageRoutes } from './link-routes.ts';
import { registerPlaidApiRoutes } from './routes.ts';
import { PlaidSandbox } from './sandbox.ts';

export function registerPlaidSandbox(app: App, ctx: AppContext): void {
  const credentials = ctx.plaid.sandboxCredentials;
  if (ctx.plaid.environment !== 'builtin' || credentials === null || ctx.config.mode !== 'sandbox') return;
  const sandbox = new PlaidSandbox(ctx.db, ctx.clock, ctx.secrets.keyring, ctx.jobs, credentials, ctx.log);
  registerPlaidApiRoutes(app, sandbox);
  registerLinkPageRoutes(app, sandbox);
}
