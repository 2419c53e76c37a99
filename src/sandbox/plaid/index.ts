// The built-in Plaid sandbox as a module: its Plaid-compatible API under /sandbox/plaid, the hosted
// Link page at /sandbox/link, Identity Verification with its hosted page at /sandbox/idv, and the
// webhook queues. Present only when ctx.plaid points at it (sandbox mode without a Plaid base URL).
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { DashboardWebhooks } from './dashboard-webhooks.ts';
import { registerIdvPageRoutes } from './idv-page-routes.ts';
import { idvApiRoutes } from './idv-routes.ts';
import { IdvSandbox } from './idv.ts';
import { registerLinkPageRoutes } from './link-routes.ts';
import { registerPlaidApiRoutes } from './routes.ts';
import { PlaidSandbox } from './sandbox.ts';

/** Where browsers reach this server: ONRAMP_PUBLIC_URL, or the listening address when it has no fixed port. */
function pageBase(app: App, ctx: AppContext): string {
  const configured = ctx.config.http.publicUrl;
  const address = app.server.address();
  if (!/:0$/.test(configured) || !address || typeof address === 'string') return configured;
  return configured.replace(/:0$/, `:${address.port}`);
}

export function registerPlaidSandbox(app: App, ctx: AppContext): void {
  const credentials = ctx.plaid.sandboxCredentials;
  if (ctx.plaid.environment !== 'builtin' || credentials === null || ctx.config.mode !== 'sandbox') return;
  const sandbox = new PlaidSandbox(ctx.db, ctx.clock, ctx.secrets.keyring, ctx.jobs, credentials, ctx.log);
  const signing = { db: ctx.db, keyring: ctx.secrets.keyring, clock: ctx.clock };
  const webhooks = new DashboardWebhooks({
    ...signing,
    jobs: ctx.jobs,
    log: ctx.log,
    url: () => ctx.config.plaid.sandboxWebhookUrl ?? ctx.plaid.webhookUrl(),
  });
  const idv = new IdvSandbox({
    ...signing,
    jobs: ctx.jobs,
    log: ctx.log,
    webhooks,
    pageBase: () => pageBase(app, ctx),
  });
  registerPlaidApiRoutes(app, sandbox, [idvApiRoutes(idv)]);
  registerLinkPageRoutes(app, sandbox);
  registerIdvPageRoutes(app, idv);
}
