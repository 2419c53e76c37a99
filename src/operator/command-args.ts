// What an operator command is, and the helpers its run() uses to read its arguments. Kept apart from
// the table of every command (commands.ts) so that a module's commands, and the CLI, can load one
// module's commands without loading all of them.
import type { AppContext } from '../context.ts';
import { UUID_RE } from '../lib/ids.ts';

export interface CommandArgs {
  positionals: string[];
  options: Record<string, string | boolean | Array<string | boolean> | undefined>;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
}

/**
 * The part of the AppContext a command declared with databaseCommand() may use: the CLI runs such a
 * command on the database alone, without building the app (docs/performance.md).
 */
export type DatabaseContext = Pick<AppContext, 'config' | 'db' | 'dbHandle' | 'log' | 'clock' | 'secrets'>;

export interface OperatorCommand {
  /** e.g. ['clients', 'create'] */
  path: string[];
  options?: Record<string, OptionSpec>;
  usage: string;
  description: string;
  /** 'database': run() uses only a DatabaseContext (see databaseCommand()); otherwise the whole app. */
  needs?: 'database';
  run(ctx: AppContext, args: CommandArgs): Promise<unknown>;
}

/** A command whose run() needs only the database, the clock, the configuration and the secrets. */
export function databaseCommand(
  command: Omit<OperatorCommand, 'needs' | 'run'> & {
    run(ctx: DatabaseContext, args: CommandArgs): Promise<unknown>;
  },
): OperatorCommand {
  return { ...command, needs: 'database' };
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
