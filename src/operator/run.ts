import type { AppContext } from '../context.ts';
import { COMMANDS } from './commands.ts';
import { type CommandOutcome, executeCommand, parseCommandIn } from './execute.ts';

export type { CommandOutcome } from './execute.ts';

/** Commands the CLI runs itself, before (or without) a database. */
const CLI_COMMANDS: Array<[string, string]> = [
  ['serve [--role api|worker|all]', 'Run the server (the same as npm start; ONRAMP_ROLE, docs/scaling.md)'],
  [
    'keys generate [--hot-wallet]',
    'Print fresh ONRAMP_ENCRYPTION_KEYS, ONRAMP_JWT_SIGNING_KEY and ONRAMP_METRICS_TOKEN (and a hot wallet key) in .env form',
  ],
  ['migrate', 'Apply pending database migrations'],
];

export function helpText(): string {
  const rows = [...CLI_COMMANDS, ...COMMANDS.map((c): [string, string] => [c.usage, c.description])];
  const width = Math.min(48, Math.max(...rows.map(([usage]) => usage.length)));
  return [
    'usage: npm run cli -- <command> [options]   (in a clone; or node bin/onramp.mjs <command>)',
    '',
    'Every command takes --env-file PATH: a .env file read first (variables already set win).',
    '',
    ...rows.map(([usage, description]) =>
      usage.length > width
        ? `  ${usage}\n  ${''.padEnd(width)}  ${description}`
        : `  ${usage.padEnd(width)}  ${description}`,
    ),
  ].join('\n');
}

export function parseCommand(argv: string[]) {
  return parseCommandIn(COMMANDS, argv);
}

/** Runs one operator command; errors become an outcome, never an exception. */
export function runCommand(ctx: AppContext, argv: string[]): Promise<CommandOutcome> {
  return executeCommand(ctx, COMMANDS, argv, helpText);
}
