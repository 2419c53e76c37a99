import { parseArgs } from 'node:util';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors/app-error.ts';
import { COMMANDS, UsageError, findCommand } from './commands.ts';

export interface CommandOutcome {
  exitCode: number;
  output?: unknown;
  error?: string;
}

export function helpText(): string {
  const lines = [
    'usage: onramp <command> [options]',
    '',
    '  serve [--role api|worker|all] run the server (ONRAMP_ROLE; docs/scaling.md)',
    '  migrate                       apply pending database migrations',
  ];
  for (const c of COMMANDS) lines.push(`  ${c.usage.padEnd(30)} ${c.description}`);
  return lines.join('\n');
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
