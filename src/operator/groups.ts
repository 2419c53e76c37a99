// Every module's operator commands by the first word of their paths, each group loaded only when asked
// for: the CLI loads the one group it runs, not every module (commands.ts loads them all, for the
// server and the help text). operator.test.ts checks this table against COMMANDS.
import type { OperatorCommand } from './command-args.ts';

export const COMMAND_GROUPS: Record<string, () => Promise<OperatorCommand[]>> = {
  clients: async () => (await import('../modules/clients/commands.ts')).clientCommands,
  users: async () => (await import('../modules/users/commands.ts')).userCommands,
  ledger: async () => (await import('../modules/ledger/commands.ts')).ledgerCommands,
  kyc: async () => (await import('../modules/kyc/commands.ts')).kycCommands,
  flags: async () => (await import('../modules/flags/commands.ts')).flagCommands,
  auth: async () => (await import('../modules/auth/commands.ts')).authCommands,
  payouts: async () => (await import('../modules/payouts/commands.ts')).payoutCommands,
  purchases: async () => (await import('../modules/purchases/commands.ts')).purchaseCommands,
  sandbox: async () => (await import('../sandbox/clock/commands.ts')).sandboxClockCommands,
  webhooks: async () => (await import('../modules/webhooks/commands.ts')).webhookCommands,
  dashboard: async () => (await import('../modules/dashboard/commands.ts')).dashboardCommands,
};
