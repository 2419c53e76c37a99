import { parseArgs } from 'node:util';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors/app-error.ts';
import { COMMANDS, UsageError, findCommand } from './commands.ts';

export interface CommandOutcome {
  exitCode: number;
  output?: unknown;
  error?: string;
}

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
  const found = findCommand(argv);
  if (!found) throw new UsageError(`unknown command: ${argv.join(' ') || '(none)'}`);
  const parsed = parseArgs({
    args: found.rest,
    options: found.command.options ?? {},
    allowPositionals: true,
    strict: true,
  });
  return { command: found.command, args: { positionals: parsed.positionals, options: parsed.values } };
}

/** Runs one operator command; errors become an outcome, never an exception. */
export async function runCommand(ctx: AppContext, argv: string[]): Promise<CommandOutcome> {
  try {
    const { command, args } = parseCommand(argv);
    return { exitCode: 0, output: await command.run(ctx, args) };
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return { exitCode: 2, error: `${(error as Error).message}\n\n${helpText()}` };
    }
    if (error instanceof AppError) return { exitCode: 1, error: `${error.code}: ${error.message}` };
    ctx.log.error({ err: error, argv: argv.slice(0, 2) }, 'operator command failed');
    return { exitCode: 1, error: (error as Error).message };
  }
}
