// The keys onramp needs at run time. Production takes them from the environment (config refuses to
// start without them); sandbox mode generates them on first start and keeps them in the state
// directory, so a restart can still decrypt what it stored and verify the sessions it issued.
import { createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config, EnvReader, Mode } from './config.ts';
import { KeyRing } from './lib/crypto.ts';
import { generateEvmPrivateKey } from './lib/evm-address.ts';

const GENERATE = 'run `npm run cli -- keys generate` for fresh keys';

/** The Keys section: checked here, at start, so a bad key is one line of the validation list. */
export function readSecretsConfig(r: EnvReader, mode: Mode): Config['secrets'] {
  const keysName = 'ONRAMP_ENCRYPTION_KEYS';
  const encryptionKeys = r.secret(
    keysName,
    {
      doc: `AES-256-GCM keys for data at rest (SSNs, Plaid access tokens), \`kid:base64(32 bytes)\`, comma-separated: the first encrypts, all decrypt (rotate by putting a new key first and keeping the old ones). Sandbox mode generates one and keeps it under ONRAMP_STATE_DIR; ${GENERATE}`,
      example: '',
      defaultText: 'generated (sandbox)',
    },
    'kid:base64 keys, comma-separated',
  );
  if (encryptionKeys !== undefined) {
    try {
      new KeyRing(encryptionKeys);
    } catch (error) {
      // KeyRing's messages name the variable and the key id, never the key.
      r.problems.push(`${(error as Error).message} (${GENERATE})`);
    }
  }
  const jwtName = 'ONRAMP_JWT_SIGNING_KEY';
  const jwtText = r.secret(
    jwtName,
    {
      doc: `Ed25519 private key that signs session JWTs: PKCS#8 PEM (on one line with \`\\n\` for the line breaks, as .env files, Docker and Kubernetes carry it) or a JWK. Sandbox mode generates one and keeps it under ONRAMP_STATE_DIR; ${GENERATE}`,
      example: '',
      defaultText: 'generated (sandbox)',
    },
    'Ed25519 PKCS#8 PEM or JWK',
  );
  let jwtSigningKey: string | undefined;
  if (jwtText !== undefined) {
    const key = parseSigningKey(jwtText);
    if (key === undefined)
      r.problems.push(
        `${jwtName}: must be an Ed25519 private key, PKCS#8 PEM (-----BEGIN PRIVATE KEY-----…, line breaks may be written \\n) or JWK JSON (value not shown; ${GENERATE})`,
      );
    else jwtSigningKey = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  }
  if (mode === 'production') {
    const why = 'in production mode (sandbox mode generates one and keeps it under ONRAMP_STATE_DIR)';
    r.require(keysName, encryptionKeys, `${why}; ${GENERATE}`);
    r.require(jwtName, jwtSigningKey, `${why}; ${GENERATE}`);
  }
  return { encryptionKeys, jwtSigningKey };
}

/** An Ed25519 private key from PEM (real line breaks or `\n` escapes) or JWK JSON; undefined otherwise. */
export function parseSigningKey(text: string): KeyObject | undefined {
  const unquoted = text.replace(/^(["'])([\s\S]*)\1$/, '$2');
  try {
    const key = unquoted.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(unquoted) as JsonWebKey, format: 'jwk' })
      : createPrivateKey(unquoted.replace(/\\n/g, '\n'));
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

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

/**
 * Fresh production keys as environment variables (`onramp keys generate`): the PEM on one line with
 * `\n` escapes, so it fits a .env file, `docker run --env-file` and a Kubernetes secret alike.
 */
export function generatedKeysEnv(options: { hotWallet?: boolean; now?: Date } = {}): Record<string, string> {
  const day = (options.now ?? new Date()).toISOString().slice(0, 10).replace(/-/g, '');
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const env: Record<string, string> = {
    ONRAMP_ENCRYPTION_KEYS: KeyRing.generateSpec(`k${day}`),
    ONRAMP_JWT_SIGNING_KEY: pem.trimEnd().replace(/\n/g, '\\n'),
  };
  if (options.hotWallet) env.ONRAMP_HOT_WALLET_PRIVATE_KEY = generateEvmPrivateKey();
  return env;
}
