// Operator commands. Each runs against a full AppContext: either in the CLI's own process (PostgreSQL
// server, or no sandbox server running), or inside the running sandbox server, which owns the
// embedded database (PGlite cannot be opened by two processes) — see cli/index.ts.
import type { AppContext } from '../context.ts';
import { AppError } from '../errors/app-error.ts';
import { UUID_RE } from '../lib/ids.ts';
import { createClient } from '../modules/clients/create-client.ts';
import { listClients, setClientStatus } from '../modules/clients/repository.ts';
import { rotateClientSecret } from '../modules/clients/rotate-client-secret.ts';
import { clientUpdateCommands } from '../modules/clients/commands.ts';
import { dashboardCommands } from '../modules/dashboard/commands.ts';
import { ledgerCommands } from '../modules/ledger/commands.ts';
import { webhookCommands } from '../modules/webhooks/commands.ts';
import { kycCommands } from '../modules/kyc/commands.ts';
import { flagCommands } from '../modules/flags/commands.ts';
import { authCommands } from '../modules/auth/commands.ts';
import { payoutCommands } from '../modules/payouts/commands.ts';
import { purchaseCommands } from '../modules/purchases/commands.ts';
import { sandboxClockCommands } from '../sandbox/clock/commands.ts';

export interface CommandArgs {
  positionals: string[];
  options: Record<string, string | boolean | Array<string | boolean> | undefined>;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
}

export interface OperatorCommand {
  /** e.g. ['clients', 'create'] */
  path: string[];
  options?: Record<string, OptionSpec>;
  usage: string;
  description: string;
  run(ctx: AppContext, args: CommandArgs): Promise<unknown>;
}

export class UsageError extends Error {}

export function option(args: CommandArgs, name: string): string | undefined {
  const value = args.options[name];
  const last = Array.isArray(value) ? value.at(-1) : value;
  return typeof last === 'string' ? last : undefined;
}

export function optionList(args: CommandArgs, name: string): string[] {
  const value = args.options[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export function positionalId(args: CommandArgs, index: number, what: string): string {
  const id = args.positionals[index];
  if (!id) throw new UsageError(`missing ${what}`);
  if (!UUID_RE.test(id)) throw new UsageError(`${what} must be a UUID (got "${id}")`);
  return id.toLowerCase();
}

const clientCommands: OperatorCommand[] = [
  {
    path: ['clients', 'create'],
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'android-package': { type: 'string', multiple: true },
    },
    usage: 'clients create --name NAME [--redirect-uri URI]... [--android-package NAME]...',
    description: 'Create a partner client; prints its id and secret once',
    async run(ctx, args) {
      const name = option(args, 'name');
      if (!name || name.length > 200) throw new UsageError('--name is required (1-200 characters)');
      const created = await createClient(ctx.db, ctx.config.mode, {
        name,
        redirectUris: optionList(args, 'redirect-uri'),
        androidPackageNames: optionList(args, 'android-package'),
      });
      return { clientId: created.clientId, clientSecret: created.clientSecret, name: created.name };
    },
  },
  {
    path: ['clients', 'rotate-secret'],
    options: { 'overlap-seconds': { type: 'string' } },
    usage: 'clients rotate-secret CLIENT_ID [--overlap-seconds N]',
    description:
      'Issue a new secret; the previous one works for the overlap (default ONRAMP_CLIENT_SECRET_OVERLAP_SECONDS)',
    async run(ctx, args) {
      const clientId = positionalId(args, 0, 'CLIENT_ID');
      const overlapText = option(args, 'overlap-seconds');
      const overlap = overlapText === undefined ? ctx.config.clients.secretOverlapSeconds : Number(overlapText);
      if (!Number.isInteger(overlap) || overlap < 0 || overlap > 30 * 86400)
        throw new UsageError('--overlap-seconds must be an integer from 0 to 2592000');
      const rotated = await rotateClientSecret(ctx.db, ctx.clock, ctx.config.mode, clientId, overlap);
      ctx.clientAuth.invalidate(clientId);
      return rotated;
    },
  },
  {
    path: ['clients', 'list'],
    usage: 'clients list',
    description: 'List partner clients (never their secrets)',
    async run(ctx) {
      const rows = await listClients(ctx.db);
      return rows.map((c) => ({
        clientId: c.id,
        name: c.name,
        status: c.status,
        demo: c.is_demo,
        createTime: c.created_at.toISOString(),
      }));
    },
  },
  {
    path: ['clients', 'disable'],
    usage: 'clients disable CLIENT_ID',
    description: 'Disable a client: its secrets and sessions stop working',
    async run(ctx, args) {
      const clientId = positionalId(args, 0, 'CLIENT_ID');
      if (!(await setClientStatus(ctx.db, clientId, 'DISABLED', ctx.clock.now())))
        throw new AppError('NOT_FOUND_CLIENT');
      ctx.clientAuth.invalidate(clientId);
      return { clientId, status: 'DISABLED' };
    },
  },
  {
    path: ['clients', 'enable'],
    usage: 'clients enable CLIENT_ID',
    description: 'Re-enable a disabled client',
    async run(ctx, args) {
      const clientId = positionalId(args, 0, 'CLIENT_ID');
      if (!(await setClientStatus(ctx.db, clientId, 'ACTIVE', ctx.clock.now()))) throw new AppError('NOT_FOUND_CLIENT');
      ctx.clientAuth.invalidate(clientId);
      return { clientId, status: 'ACTIVE' };
    },
  },
];

/** Every operator command. Modules append theirs here. */
export const COMMANDS: OperatorCommand[] = [
  ...clientCommands,
  ...clientUpdateCommands,
  ...ledgerCommands,
  ...kycCommands,
  ...flagCommands,
  ...authCommands,
  ...payoutCommands,
  ...purchaseCommands,
  ...sandboxClockCommands,
  ...webhookCommands,
  ...dashboardCommands,
];

export function findCommand(words: string[]): { command: OperatorCommand; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    if (command.path.every((p, i) => words[i] === p)) return { command, rest: words.slice(command.path.length) };
  }
  return undefined;
}
