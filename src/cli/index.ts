// The operator CLI: `npm run cli -- <command>` or `node bin/onramp.mjs <command>` in a clone (not
// `npx onramp`: that name on the npm registry is an unrelated package). With the embedded database and
// a sandbox server running, commands run inside that server (PGlite allows one process); otherwise the
// CLI opens the database itself. `serve` runs the server, as `npm start` does.
import { parseArgs } from 'node:util';
import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { generatedKeysEnv } from '../runtime-secrets.ts';
import { serve } from '../server.ts';
import { loadConfigOrExit, takeEnvFile } from './env.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { checkDatabaseMode, checkDatabaseReachable } from '../db/startup.ts';
import { StartupError } from '../errors/startup-error.ts';
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
    print({ exitCode: 2, error: `usage: onramp keys generate [--hot-wallet]\n\n${helpText()}` });
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
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  if (argv[0] === 'keys') await keysGenerate(argv);
  if (argv[0] === 'serve') return serve(serveConfig(argv.slice(1)));
  const config = loadConfigOrExit();
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
  if (error instanceof StartupError) print({ exitCode: 2, error: error.message });
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
