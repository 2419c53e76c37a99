// The operator CLI: `npx onramp <command>` or `npm run cli -- <command>`. With the embedded database
// and a sandbox server running, commands run inside that server (PGlite allows one process);
// otherwise the CLI opens the database itself.
import { parseArgs } from 'node:util';
import { buildApp } from '../app.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { ROLES } from '../modules/ops/config.ts';
import { readLiveInstance } from '../operator/instance.ts';
import { helpText, parseCommand, runCommand, type CommandOutcome } from '../operator/run.ts';

function print(outcome: CommandOutcome): never {
  if (outcome.output !== undefined) process.stdout.write(`${JSON.stringify(outcome.output, null, 2)}\n`);
  if (outcome.error) process.stderr.write(`${outcome.error}\n`);
  process.exit(outcome.exitCode);
}

async function viaServer(url: string, token: string, argv: string[]): Promise<CommandOutcome> {
  const res = await fetch(`${url}/operator/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-onramp-operator-token': token },
    body: JSON.stringify({ argv }),
    signal: AbortSignal.timeout(120_000),
  });
  if (res.status === 200 || res.status === 400) return (await res.json()) as CommandOutcome;
  return { exitCode: 1, error: `the running server answered ${res.status}: ${await res.text()}` };
}

async function runMigrate(config: Config): Promise<CommandOutcome> {
  const handle = await openDatabase({ url: config.db.url, dataDir: config.db.dataDir });
  try {
    const result = await migrate(handle.db);
    return { exitCode: 0, output: { applied: result.applied, total: result.total } };
  } finally {
    await handle.close();
  }
}

/** `onramp serve [--role api|worker|all]`: the server itself (src/main.ts); --role sets ONRAMP_ROLE. */
async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { role: { type: 'string' } }, strict: true });
  if (values.role !== undefined) {
    if (!(ROLES as readonly string[]).includes(values.role))
      print({ exitCode: 2, error: `--role must be one of ${ROLES.join(', ')} (got "${values.role}")` });
    process.env.ONRAMP_ROLE = values.role;
  }
  await import('../main.ts');
}

async function main(argv: string[]): Promise<void> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  if (argv[0] === 'serve') return serve(argv.slice(1));
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) print({ exitCode: 2, error: error.message });
    throw error;
  }
  const live = config.db.url ? undefined : readLiveInstance(config);
  if (live && argv[0] === 'migrate')
    print({
      exitCode: 0,
      output: { applied: [], note: `the running server (pid ${live.pid}) applied migrations at start` },
    });
  if (live) print(await viaServer(live.url, live.operatorToken, argv));
  if (argv[0] === 'migrate') print(await runMigrate(config));

  try {
    parseCommand(argv);
  } catch (error) {
    print({ exitCode: 2, error: `${(error as Error).message}\n\n${helpText()}` });
  }
  // Quiet logs: the CLI prints its result as JSON on stdout.
  const { app, ctx } = await buildApp({ config: { ...config, log: { level: 'warn' } }, workers: false });
  await app.ready();
  let outcome: CommandOutcome;
  try {
    outcome = await runCommand(ctx, argv);
  } finally {
    await app.close();
  }
  print(outcome);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
