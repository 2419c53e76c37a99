// The built-in Plaid sandbox as a module: its Plaid-compatible API under /sandbox/plaid (bank linking
// and Transfer), the hosted Link page at /sandbox/link, and its webhook queues. Present only when
// ctx.plaid points at it (sandbox mode without a Plaid base URL).
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { SandboxClock } from '../clock/clock.ts';
import { registerLinkPageRoutes } from './link-routes.ts';
import { registerPlaidApiRoutes } from './routes.ts';
import { PlaidSandbox } from './sandbox.ts';
import { SandboxTransfers } from './transfer.ts';
import { transferApiRoutes } from './transfer-routes.ts';
import { TransferWebhooks } from './transfer-webhooks.ts';

/** How often a worker process moves the transfers that became due in real time. */
const TRANSFER_CLOCK_MS = 5_000;

export function registerPlaidSandbox(app: App, ctx: AppContext): void {
  const credentials = ctx.plaid.sandboxCredentials;
  if (ctx.plaid.environment !== 'builtin' || credentials === null || ctx.config.mode !== 'sandbox') return;
  const sandbox = new PlaidSandbox(ctx.db, ctx.clock, ctx.secrets.keyring, ctx.jobs, credentials, ctx.log);
  const webhooks = new TransferWebhooks({
    db: ctx.db,
    keyring: ctx.secrets.keyring,
    clock: ctx.clock,
    jobs: ctx.jobs,
    log: ctx.log,
    dashboardUrl: () => ctx.plaid.webhookUrl(),
  });
  const transfers = new SandboxTransfers({
    db: ctx.db,
    clock: ctx.clock,
    settlementBusinessDays: ctx.config.ach.settlementBusinessDays,
    webhooks,
    log: ctx.log,
  });
  registerPlaidApiRoutes(app, sandbox, [transferApiRoutes(sandbox, transfers)]);
  registerLinkPageRoutes(app, sandbox);
  ctx.jobs.every({
    name: 'sandbox-plaid-transfer-clock',
    intervalMs: TRANSFER_CLOCK_MS,
    run: async () => {
      await transfers.advanceDue();
    },
  });
  // A jump of the sandbox clock moves the transfers at once, before ACH looks at Plaid's events.
  if (ctx.clock instanceof SandboxClock)
    ctx.clock.onAdvance(async () => {
      await transfers.advanceDue();
    });
}
