// Sandbox mode keeps one demo client so `npm start` prints working credentials. With
// ONRAMP_DEMO_CLIENT_ID/SECRET set it uses exactly those; otherwise it generates them on first
// start and keeps the secret in the state directory (the database keeps only its hash).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/index.ts';
import type { Config } from '../../config.ts';
import type { Clock } from '../../lib/clock.ts';
import { digestsEqual, sha256 } from '../../lib/crypto.ts';
import { createClient } from './create-client.ts';
import { findDemoClient, findLiveSecrets, setClientStatus } from './repository.ts';
import { rotateClientSecret } from './rotate-client-secret.ts';

export interface DemoCredentials {
  clientId: string;
  clientSecret: string;
}

const DEMO_NAME = 'Sandbox demo client';

function stateFile(config: Config): string {
  return path.join(config.stateDir, 'demo-client.json');
}

function readSaved(config: Config): DemoCredentials | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(stateFile(config), 'utf8')) as DemoCredentials;
    return typeof saved.clientId === 'string' && typeof saved.clientSecret === 'string' ? saved : undefined;
  } catch {
    return undefined;
  }
}

function save(config: Config, creds: DemoCredentials): void {
  fs.mkdirSync(config.stateDir, { recursive: true });
  fs.writeFileSync(stateFile(config), `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
}

export async function ensureDemoClient(db: Db, config: Config, clock: Clock): Promise<DemoCredentials> {
  const wanted: DemoCredentials | undefined =
    config.demoClient.id && config.demoClient.secret
      ? { clientId: config.demoClient.id.toLowerCase(), clientSecret: config.demoClient.secret }
      : undefined;
  const existing = await findDemoClient(db);

  if (existing && (!wanted || wanted.clientId === existing.id)) {
    const candidate = wanted ?? readSaved(config);
    const live = await findLiveSecrets(db, existing.id, clock.now());
    if (
      candidate &&
      candidate.clientId === existing.id &&
      live.some((s) => digestsEqual(sha256(candidate.clientSecret), Buffer.from(s.secret_hash)))
    ) {
      if (existing.status !== 'ACTIVE') await setClientStatus(db, existing.id, 'ACTIVE', clock.now());
      if (!wanted) save(config, candidate);
      return candidate;
    }
    // The known secret is not on record (state file lost, or a new secret was configured): replace it.
    const rotated = await rotateClientSecret(db, clock, config.mode, existing.id, 0, wanted?.clientSecret);
    const creds = { clientId: existing.id, clientSecret: rotated.clientSecret };
    if (!wanted) save(config, creds);
    return creds;
  }

  if (existing) {
    // A different demo client id was configured: retire the old demo client.
    await db
      .updateTable('clients')
      .set({ is_demo: false, status: 'DISABLED', updated_at: clock.now() })
      .where('id', '=', existing.id)
      .execute();
  }
  const created = await createClient(db, config.mode, {
    name: DEMO_NAME,
    isDemo: true,
    id: wanted?.clientId,
    secret: wanted?.clientSecret,
  });
  const creds = { clientId: created.clientId, clientSecret: created.clientSecret };
  if (!wanted) save(config, creds);
  return creds;
}
