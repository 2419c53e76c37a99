// The generated configuration reference matches the code: the files on disk are what
// `npm run docs:config` writes today, every ONRAMP_ variable the source mentions is one the reader
// declares, every declared variable says what it means, and the production .env.example, with fresh
// keys, is a configuration production accepts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { loadConfig } from './config.ts';
import {
  configurationReference,
  renderConfigurationMd,
  renderEnvExample,
  renderReadmeTable,
  replaceReadmeTable,
} from './config-reference.ts';
import { generatedKeysEnv } from './runtime-secrets.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const references = configurationReference();
const RUN = 'it is out of date: run `npm run docs:config` and commit the result';

/** Identifiers that match the pattern but are not environment variables. */
const NOT_VARIABLES = new Set(['ONRAMP_CODES']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('configuration reference', () => {
  it('docs/configuration.md, the README table and .env.example are what npm run docs:config writes', () => {
    assert.equal(read('docs/configuration.md'), renderConfigurationMd(references), `docs/configuration.md: ${RUN}`);
    assert.equal(read('.env.example'), renderEnvExample(references), `.env.example: ${RUN}`);
    const readme = read('README.md');
    assert.equal(readme, replaceReadmeTable(readme, renderReadmeTable(references)), `README.md's table: ${RUN}`);
  });

  it('declares every ONRAMP_ variable the source mentions, and documents each', () => {
    const declared = references.map((v) => v.name);
    const undeclared = new Set<string>();
    for (const file of sourceFiles(path.join(root, 'src'))) {
      for (const [found] of fs.readFileSync(file, 'utf8').matchAll(/ONRAMP_[A-Z0-9_]+\*?/g)) {
        const prefix = found.endsWith('*') || found.endsWith('_');
        const name = found.replace(/\*$/, '');
        const known = prefix ? declared.some((d) => d.startsWith(name)) : declared.includes(name);
        if (!known && !NOT_VARIABLES.has(name)) undeclared.add(`${name} (${path.relative(root, file)})`);
      }
    }
    assert.deepEqual(
      [...undeclared],
      [],
      'read these through the EnvReader in their module config.ts (with a doc), or fix the name',
    );
    const undocumented = references.filter((v) => !v.doc).map((v) => v.name);
    assert.deepEqual(undocumented, [], 'give these a doc where they are read, then run `npm run docs:config`');
  });

  it('the production .env.example, with fresh keys, starts in production mode', () => {
    const example = parseEnv(read('.env.example'));
    assert.equal(example.ONRAMP_MODE, 'production');
    const config = loadConfig({ ...example, ...generatedKeysEnv({ hotWallet: true }) });
    assert.equal(config.mode, 'production');
    assert.equal(config.messaging.sms.provider, 'twilio');
    assert.ok(config.chains.networks?.ETHEREUM.rpcUrl.startsWith('https://'));
  });

  it('says when a variable is required, from the checks themselves', () => {
    const byName = new Map(references.map((v) => [v.name, v]));
    for (const name of ['DATABASE_URL', 'ONRAMP_ENCRYPTION_KEYS', 'ONRAMP_JWT_SIGNING_KEY', 'ONRAMP_SMS_PROVIDER'])
      assert.equal(byName.get(name)?.requiredInProduction, true, name);
    assert.deepEqual(byName.get('ONRAMP_SMTP_URL')?.requiredWhen, ['with ONRAMP_EMAIL_PROVIDER=smtp']);
    assert.equal(byName.get('ONRAMP_PRICE_PROVIDER')?.defaultText, '`sandbox` (sandbox), `coinbase` (production)');
  });
});
