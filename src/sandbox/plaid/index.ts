// The built-in Plaid sandbox as a module: its Plaid-compatible API under /sandbox/plaid (bank linking,
// Transfer, Identity Verification), the hosted Link page at /sandbox/link, the IDV page at /sandbox/idv,
// the webhook queues and the transfer clock (transfers move as sandbox time passes). Present only when ctx.plaid points at it (sandbox mode without a Plaid base URL).
// The queues are defined in every process; the routes only where the API is served (a worker
// process runs the queues and serves no routes), so the parts are built once per app by whichever
// hook comes first.
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { wallClock } from '../../lib/clock.ts';
import type { Module } from '../../modules/index.ts';
import { DashboardWebhooks } from './dashboard-webhooks.ts';
import { registerIdvPageRoutes } from './idv-page-routes.ts';
import { idvApiRoutes } from './idv-routes.ts';
import { IdvSandbox } from './idv.ts';
import { linkPageSchemas, registerLinkPageRoutes } from './link-routes.ts';
import { registerPlaidApiRoutes } from './routes.ts';
import { PlaidSandbox } from './sandbox.ts';
import { SandboxTransfers } from './transfer.ts';
import { transferApiRoutes } from './transfer-routes.ts';
import { SandboxClock } from '../clock/clock.ts';

/** How often a worker process moves the transfers that became due in real time. */
const TRANSFER_CLOCK_MS = 5_000;

interface Parts {
  sandbox: PlaidSandbox;
  idv: IdvSandbox;
  transfers: SandboxTransfers;
  /** The app serving the pages, once its routes are registered (none in a worker). */
  served: { app?: App };
}

// One set of parts per app; nothing outside this module sees them.
const parts = new WeakMap<AppContext, Parts | null>();

/** Where browsers reach this server: ONRAMP_PUBLIC_URL, or the listening address when it has no fixed port. */
function pageBase(app: App | undefined, ctx: AppContext): string {
  const configured = ctx.config.http.publicUrl;
  const address = app?.server.address();
  if (!/:0$/.test(configured) || !address || typeof address === 'string') return configured;
  return configured.replace(/:0$/, `:${address.port}`);
}

function partsOf(ctx: AppContext): Parts | null {
  const known = parts.get(ctx);
  if (known !== undefined) return known;
  const credentials = ctx.plaid.sandboxCredentials;
  if (ctx.plaid.environment !== 'builtin' || credentials === null || ctx.config.mode !== 'sandbox') {
    parts.set(ctx, null);
    return null;
  }
  const sandbox = new PlaidSandbox(ctx.db, ctx.clock, ctx.secrets.keyring, ctx.jobs, credentials, ctx.log);
  // Webhook JWTs carry wall time, as Plaid's do: a receiver checks `iat` against its own clock.
  const signing = { db: ctx.db, keyring: ctx.secrets.keyring, clock: wallClock(ctx.clock) };
  const webhooks = new DashboardWebhooks({
    ...signing,
    jobs: ctx.jobs,
    log: ctx.log,
    url: () => ctx.config.plaid.sandboxWebhookUrl ?? ctx.plaid.webhookUrl(),
  });
  const served: Parts['served'] = {};
  const idv = new IdvSandbox({
    ...signing,
    jobs: ctx.jobs,
    log: ctx.log,
    webhooks,
    pageBase: () => pageBase(served.app, ctx),
  });
  const transfers = new SandboxTransfers({
    db: ctx.db,
    clock: ctx.clock,
    settlementBusinessDays: ctx.config.ach.settlementBusinessDays,
    webhooks,
    log: ctx.log,
  });
  startTransferClock(ctx, transfers);
  const made = { sandbox, idv, transfers, served };
  parts.set(ctx, made);
  return made;
}

/** Transfers move by themselves: every few seconds in worker processes, and at once when the clock jumps. */
function startTransferClock(ctx: AppContext, transfers: SandboxTransfers): void {
  ctx.jobs.every({
    name: 'sandbox-plaid-transfer-clock',
    intervalMs: TRANSFER_CLOCK_MS,
    run: async () => {
      await transfers.advanceDue();
    },
  });
  if (ctx.clock instanceof SandboxClock)
    ctx.clock.onAdvance(async () => {
      await transfers.advanceDue();
    });
}

export function registerPlaidSandbox(app: App, ctx: AppContext): void {
  const p = partsOf(ctx);
  if (!p) return;
  p.served.app = app;
  registerPlaidApiRoutes(app, p.sandbox, [idvApiRoutes(p.idv), transferApiRoutes(p.sandbox, p.transfers)]);
  registerLinkPageRoutes(app, p.sandbox);
  registerIdvPageRoutes(app, p.idv);
}

export const plaidSandboxModule: Module = {
  name: 'sandbox-plaid',
  schemas: linkPageSchemas,
  routes: registerPlaidSandbox,
  jobs: (ctx) => void partsOf(ctx),
};
