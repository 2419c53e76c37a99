// Operator commands. Each runs against a full AppContext: either in the CLI's own process (PostgreSQL
// server, or no sandbox server running), or inside the running sandbox server, which owns the
// embedded database (PGlite cannot be opened by two processes) — see cli/index.ts.
import type { AppContext } from '../context.ts';
import { UUID_RE } from '../lib/ids.ts';
import { clientCommands } from '../modules/clients/commands.ts';
import { dashboardCommands } from '../modules/dashboard/commands.ts';
import { ledgerCommands } from '../modules/ledger/commands.ts';
import { webhookCommands } from '../modules/webhooks/commands.ts';
import { userCommands } from '../modules/users/commands.ts';
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

/** Every operator command. Modules append theirs here. */
export const COMMANDS: OperatorCommand[] = [
  ...clientCommands,
  ...userCommands,
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
