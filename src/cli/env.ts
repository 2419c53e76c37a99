// What `npm start` and every CLI command share before they run: `--env-file PATH` (a .env file read
// into the environment without overriding variables already set, as `node --env-file` does), and the
// configuration, whose problems are printed as one list (exit code 2) rather than a stack trace.
import { ConfigError, loadConfig, type Config } from '../config.ts';

/** Loads every `--env-file PATH` / `--env-file=PATH` and returns the other arguments. */
export function takeEnvFile(argv: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const file = arg === '--env-file' ? argv[++i] : arg.startsWith('--env-file=') ? arg.slice(11) : undefined;
    if (file === undefined && arg !== '--env-file') {
      rest.push(arg);
      continue;
    }
    if (!file) exit('--env-file needs a path');
    try {
      process.loadEnvFile(file);
    } catch (error) {
      exit(`--env-file ${file}: ${(error as Error).message}`);
    }
  }
  return rest;
}

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) exit(error.message);
    throw error;
  }
}

function exit(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
