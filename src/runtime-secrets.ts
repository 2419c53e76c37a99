// The keys onramp needs at run time. Production takes them from the environment (config refuses to
// start without them); sandbox mode generates them on first start and keeps them in the state
// directory, so a restart can still decrypt what it stored and verify the sessions it issued.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { KeyRing } from './lib/crypto.ts';

export interface RuntimeSecrets {
  keyring: KeyRing;
  /** PKCS#8 PEM of the Ed25519 key that signs session JWTs. */
  jwtSigningKeyPem: string;
}

interface SavedSecrets {
  encryptionKeys: string;
  jwtSigningKeyPem: string;
}

export function generateSecrets(): SavedSecrets {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    encryptionKeys: KeyRing.generateSpec('sandbox1'),
    jwtSigningKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function loadOrCreateSandboxSecrets(stateDir: string): SavedSecrets {
  const file = path.join(stateDir, 'sandbox-secrets.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SavedSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const secrets = generateSecrets();
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

export function resolveRuntimeSecrets(config: Config, generated?: SavedSecrets): RuntimeSecrets {
  const needSaved = config.secrets.encryptionKeys === undefined || config.secrets.jwtSigningKey === undefined;
  const saved = needSaved ? (generated ?? loadOrCreateSandboxSecrets(config.stateDir)) : undefined;
  return {
    keyring: new KeyRing(config.secrets.encryptionKeys ?? saved!.encryptionKeys),
    jwtSigningKeyPem: config.secrets.jwtSigningKey ?? saved!.jwtSigningKeyPem,
  };
}
