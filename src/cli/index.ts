// The operator CLI: `npm run cli -- <command>` or `node bin/onramp.mjs <command>` in a clone (not
// `npx onramp`: that name on the npm registry is an unrelated package). With the embedded database and
// a sandbox server running, commands run inside that server (PGlite allows one process); otherwise the
// CLI opens the database itself. `serve` runs the server, as `npm start` does.
//
// Every module past the configuration is imported when a command needs it (docs/performance.md): a
// command sent to the running server loads no more than the configuration and node:http; one run here
// loads its own module's commands and the database, and the whole app only when the command needs it
// (databaseCommand() in operator/command-args.ts). test/lazy-loading.test.ts checks the first.
import http from 'node:http';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { StartupError } from '../errors/startup-error.ts';
import { ROLES } from '../modules/ops/config.ts';
import type { DatabaseContext } from '../operator/command-args.ts';
import type { CommandOutcome } from '../operator/execute.ts';
import { type InstanceInfo, readLiveInstance } from '../operator/instance.ts';
import { loadConfigOrExit, takeEnvFile } from './env.ts';

/** The help text lists every command: it loads every module's commands. */
async function helpText(): Promise<string> {
  return (await import('../operator/run.ts')).helpText();
}

function print(outcome: CommandOutcome): never {
  if (outcome.output !== undefined) process.stdout.write(`${JSON.stringify(outcome.output, null, 2)}\n`);
  if (outcome.error) process.stderr.write(`${outcome.error}\n`);
  process.exit(outcome.exitCode);
}

/** POST /operator/commands to the running server, with node:http: fetch would load undici, ~60 ms of CPU. */
function viaServer(url: string, token: string, argv: string[]): Promise<CommandOutcome> {
  const body = JSON.stringify({ argv });
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/operator/commands`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-onramp-operator-token': token,
        },
        signal: AbortSignal.timeout(120_000),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            if (res.statusCode === 200 || res.statusCode === 400) resolve(JSON.parse(text) as CommandOutcome);
            else resolve({ exitCode: 1, error: `the running server answered ${res.statusCode}: ${text}` });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * The recorded server did not answer: refused (it was killed and its pid reused, or it is still
 * starting) or too slow. An error that says what to do, never a second process opening the embedded
 * database beside a server that may be running.
 */
function unreachable(live: InstanceInfo, error: unknown): CommandOutcome {
  const { code, message } = error as NodeJS.ErrnoException;
  const where = `the sandbox server recorded in ${live.file} (pid ${live.pid}) at ${live.url}`;
  if (code === 'ECONNREFUSED')
    return {
      exitCode: 1,
      error: `${where} refused the connection. If it is starting, try again in a moment; if no server runs on this state directory, delete that file.`,
    };
  return { exitCode: 1, error: `${where} did not complete the command: ${message}` };
}

async function runMigrate(config: Config): Promise<CommandOutcome> {
  const [{ openDatabase }, { migrate }, { checkDatabaseMode, checkDatabaseReachable }] = await Promise.all([
    import('../db/index.ts'),
    import('../db/migrate.ts'),
    import('../db/startup.ts'),
  ]);
  const handle = await openDatabase({ url: config.db.url, dataDir: config.db.dataDir });
  try {
    await checkDatabaseReachable(handle.db, config.db.url);
    const result = await migrate(handle.db);
    await checkDatabaseMode(handle.db, config.mode);
    return { exitCode: 0, output: { applied: result.applied, total: result.total } };
  } finally {
    await handle.close();
  }
}

/** `keys generate [--hot-wallet]`: fresh production keys in .env form, from no configuration at all. */
async function keysGenerate(argv: string[]): Promise<never> {
  const extra = argv.slice(2).filter((a) => a !== '--hot-wallet');
  if (argv[1] !== 'generate' || extra.length > 0)
    print({ exitCode: 2, error: `usage: onramp keys generate [--hot-wallet]\n\n${await helpText()}` });
  const { generatedKeysEnv } = await import('../runtime-secrets.ts');
  const env = generatedKeysEnv({ hotWallet: argv.includes('--hot-wallet') });
  const lines = [
    '# Fresh onramp keys. Keep them secret, and keep every key you have used: data encrypted or tokens',
    '# signed under a key need it to be read. ONRAMP_JWT_SIGNING_KEY is a PEM on one line (\\n escapes).',
  ];
  for (const [name, value] of Object.entries(env))
    lines.push(`${name}=${name === 'ONRAMP_JWT_SIGNING_KEY' ? `"${value}"` : value}`);
  if (env.ONRAMP_HOT_WALLET_PRIVATE_KEY) {
    // viem only here: every other command starts without it.
    const { privateKeyToAddress } = await import('viem/accounts');
    lines.push(
      `# hot wallet address: ${privateKeyToAddress(env.ONRAMP_HOT_WALLET_PRIVATE_KEY as `0x${string}`)} (fund it)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(0);
}

/** `serve [--role api|worker|all] [--env-file PATH]`: --role sets ONRAMP_ROLE (docs/scaling.md). */
function serveConfig(args: string[]): Config {
  let role: string | undefined;
  try {
    role = parseArgs({ args, options: { role: { type: 'string' } }, strict: true }).values.role;
  } catch (error) {
    print({
      exitCode: 2,
      error: `${(error as Error).message}\n\nusage: onramp serve [--role api|worker|all] [--env-file PATH]`,
    });
  }
  if (role !== undefined) {
    if (!(ROLES as readonly string[]).includes(role))
      print({ exitCode: 2, error: `--role must be one of ${ROLES.join(', ')} (got "${role}")` });
    process.env.ONRAMP_ROLE = role;
  }
  return loadConfigOrExit();
}

async function main(args: string[]): Promise<void> {
  const argv = takeEnvFile(args);
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
    process.stdout.write(`${await helpText()}\n`);
    return;
  }
  if (argv[0] === 'keys') await keysGenerate(argv);
  if (argv[0] === 'serve') {
    const config = serveConfig(argv.slice(1));
    return (await import('../server.ts')).serve(config);
  }
  const config = loadConfigOrExit();
  const live = config.db.url ? undefined : readLiveInstance(config);
  if (live && argv[0] === 'migrate')
    print({
      exitCode: 0,
      output: { applied: [], note: `the running server (pid ${live.pid}) applied migrations at start` },
    });
  if (live)
    print(await viaServer(live.url, live.operatorToken, argv).catch((error: unknown) => unreachable(live, error)));
  if (argv[0] === 'migrate') print(await runMigrate(config));
  print(await runHere(config, argv));
}

/** Runs a command in this process: on the database alone when it needs no more, otherwise in the app. */
async function runHere(config: Config, argv: string[]): Promise<CommandOutcome> {
  const { COMMAND_GROUPS } = await import('../operator/groups.ts');
  const { parseCommandIn, executeCommand } = await import('../operator/execute.ts');
  const group = Object.hasOwn(COMMAND_GROUPS, argv[0]!) ? await COMMAND_GROUPS[argv[0]!]!() : [];
  let needs: 'database' | undefined;
  try {
    needs = parseCommandIn(group, argv).command.needs;
  } catch {
    // Not a command, or not its options: the same usage error, from every command's table.
    const { parseCommand } = await import('../operator/run.ts');
    try {
      parseCommand(argv);
    } catch (error) {
      print({ exitCode: 2, error: `${(error as Error).message}\n\n${await helpText()}` });
    }
  }
  // Quiet logs: the CLI prints its result as JSON on stdout.
  const quiet: Config = { ...config, log: { level: 'warn' } };
  if (needs === 'database') {
    const ctx = await databaseContext(quiet);
    try {
      return await executeCommand(ctx, group, argv, helpText);
    } finally {
      await ctx.dbHandle.close();
    }
  }
  const [{ buildApp }, { runCommand }] = await Promise.all([import('../app.ts'), import('../operator/run.ts')]);
  const { app, ctx } = await buildApp({ config: quiet, workers: false });
  await app.ready();
  try {
    return await runCommand(ctx, argv);
  } finally {
    await app.close();
  }
}

/** What buildApp() would give a command that needs only the database: the same database, clock and secrets. */
async function databaseContext(config: Config): Promise<DatabaseContext> {
  const [{ openCheckedDatabase }, { createLogger }, { resolveRuntimeSecrets }, { systemClock }, { SandboxClock }] =
    await Promise.all([
      import('../db/open.ts'),
      import('../lib/logger.ts'),
      import('../runtime-secrets.ts'),
      import('../lib/clock.ts'),
      import('../sandbox/clock/clock.ts'),
    ]);
  const log = createLogger(config);
  const secrets = resolveRuntimeSecrets(config);
  const dbHandle = await openCheckedDatabase(config, { migrate: true });
  const clock = config.mode === 'sandbox' ? await SandboxClock.open(dbHandle.db, systemClock) : systemClock;
  return { config, db: dbHandle.db, dbHandle, log, clock, secrets };
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof StartupError) print({ exitCode: 2, error: error.message });
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
