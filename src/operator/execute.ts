// Parsing and running one operator command from a given table of commands, and turning its errors into
// an outcome. run.ts does it with every command (the server); the CLI with the one group it loaded.
import { parseArgs } from 'node:util';
import { AppError } from '../errors/app-error.ts';
import { type CommandArgs, type DatabaseContext, type OperatorCommand, UsageError } from './command-args.ts';

export interface CommandOutcome {
  exitCode: number;
  output?: unknown;
  error?: string;
}

export function findCommandIn(
  commands: readonly OperatorCommand[],
  words: string[],
): { command: OperatorCommand; rest: string[] } | undefined {
  for (const command of commands) {
    if (command.path.every((p, i) => words[i] === p)) return { command, rest: words.slice(command.path.length) };
  }
  return undefined;
}

export function parseCommandIn(
  commands: readonly OperatorCommand[],
  argv: string[],
): { command: OperatorCommand; args: CommandArgs } {
  const found = findCommandIn(commands, argv);
  if (!found) throw new UsageError(`unknown command: ${argv.join(' ') || '(none)'}`);
  const parsed = parseArgs({
    args: found.rest,
    options: found.command.options ?? {},
    allowPositionals: true,
    strict: true,
  });
  return { command: found.command, args: { positionals: parsed.positionals, options: parsed.values } };
}

export function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
}

/**
 * Runs one operator command from `commands`; errors become an outcome, never an exception. A command
 * declared with databaseCommand() may be given a DatabaseContext; any other needs the whole AppContext.
 */
export async function executeCommand(
  ctx: DatabaseContext,
  commands: readonly OperatorCommand[],
  argv: string[],
  helpText: () => string | Promise<string>,
): Promise<CommandOutcome> {
  try {
    const { command, args } = parseCommandIn(commands, argv);
    // The cast is what databaseCommand() vouches for: such a run() reads only the DatabaseContext.
    return { exitCode: 0, output: await command.run(ctx as Parameters<OperatorCommand['run']>[0], args) };
  } catch (error) {
    if (isUsageError(error)) return { exitCode: 2, error: `${(error as Error).message}\n\n${await helpText()}` };
    if (error instanceof AppError) return { exitCode: 1, error: `${error.code}: ${error.message}` };
    ctx.log.error({ err: error, argv: argv.slice(0, 2) }, 'operator command failed');
    return { exitCode: 1, error: (error as Error).message };
  }
}
