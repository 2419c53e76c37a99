// Operator commands. Each runs against a full AppContext — or, when declared with databaseCommand(),
// against the database alone — either in the CLI's own process (PostgreSQL server, or no sandbox server
// running), or inside the running sandbox server, which owns the embedded database (PGlite cannot be
// opened by two processes) — see cli/index.ts.
import type { OperatorCommand } from './command-args.ts';
import { findCommandIn } from './execute.ts';
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

export {
  type CommandArgs,
  type DatabaseContext,
  databaseCommand,
  type OperatorCommand,
  type OptionSpec,
  option,
  optionList,
  positionalId,
  UsageError,
} from './command-args.ts';

/** Every operator command. Modules append theirs here, and to COMMAND_GROUPS (groups.ts). */
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
  return findCommandIn(COMMANDS, words);
}
