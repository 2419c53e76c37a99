// npm run rehearsal — production, proven end to end (docs/rehearsal.md). Starts onramp in production
// mode on a PostgreSQL server, with Plaid and both chains played by a second onramp in sandbox mode
// (its /sandbox/plaid and /sandbox/rpc/*, behind HTTPS), Twilio, SMTP and Coinbase by TLS stand-ins,
// all trusted through a throw-away CA given in NODE_EXTRA_CA_CERTS — production's https rules stay on
// and nothing in production code knows. Then it walks, over HTTPS as a partner: sign-in, user, KYC
// approved through Identity Verification, bank linked, INSTANT and STANDARD purchases paid out on
// chain, a return flagged (F1000), a refund issued by the operator after a price-feed outage,
// `ledger check` clean. Prints each step; the last line is a JSON summary; exits 1 on any failure.
//
//   REHEARSAL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run rehearsal
//   (a server where it may create and drop one database; DATABASE_URL works too; REHEARSAL_KEEP=1 keeps
//   the database and the temporary directory)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestTls } from './rehearsal/tls.ts';

if (process.env.REHEARSAL_DIR === undefined) {
  // Phase 0: the CA must exist before a process starts for NODE_EXTRA_CA_CERTS to count: make it, then
  // run the rehearsal in a child that trusts it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-rehearsal-'));
  const tls = makeTestTls(dir);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, REHEARSAL_DIR: dir, NODE_EXTRA_CA_CERTS: tls.caFile },
    stdio: 'inherit',
  });
  const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  if (process.env.REHEARSAL_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  process.exit(code);
} else {
  const { runRehearsal } = await import('./rehearsal/run.ts');
  process.exit(await runRehearsal(process.env.REHEARSAL_DIR));
}
