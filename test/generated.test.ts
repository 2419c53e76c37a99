// The SDK, its OpenAPI snapshot and the Postman collection are generated from the route schemas and
// committed. This regenerates them into a temporary directory and compares: a route added or changed
// without `npm run sdk:generate` fails here, naming the files that differ.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSdk, partnerDocument, ROOT, type OpenApiDocument } from '../scripts/generate.ts';
import { generatePostman, POSTMAN_FILES } from '../scripts/postman.ts';
import { openTestDatabase } from './helpers.ts';

function filesUnder(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full, base) : [path.relative(base, full)];
  });
}

function differences(committedDir: string, freshDir: string, files: string[]): string[] {
  return files.filter((file) => {
    const committed = path.join(committedDir, file);
    const fresh = path.join(freshDir, file);
    return (
      !fs.existsSync(committed) || !fs.existsSync(fresh) || !fs.readFileSync(committed).equals(fs.readFileSync(fresh))
    );
  });
}

const HOW_TO_FIX = 'differs from the route schemas: run `npm run sdk:generate` and commit the result';

describe('generated SDK and Postman collection', () => {
  let doc: OpenApiDocument;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-generated-'));
  before(async () => {
    doc = await partnerDocument(await openTestDatabase());
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('the committed sdk/openapi.json and sdk/src/generated/ are what the routes generate', async () => {
    await generateSdk(doc, path.join(out, 'sdk'));
    const generated = path.join('src', 'generated');
    const files = [
      'openapi.json',
      ...new Set([
        ...filesUnder(path.join(out, 'sdk', generated)).map((f) => path.join(generated, f)),
        ...filesUnder(path.join(ROOT, 'sdk', generated)).map((f) => path.join(generated, f)),
      ]),
    ];
    const changed = differences(path.join(ROOT, 'sdk'), path.join(out, 'sdk'), files);
    assert.deepEqual(changed, [], `sdk/${changed.join(', sdk/')} ${HOW_TO_FIX}`);
  });

  it('the committed postman/ collection and environment are what the routes generate', async () => {
    await generatePostman(doc, path.join(out, 'postman'));
    const changed = differences(path.join(ROOT, 'postman'), path.join(out, 'postman'), POSTMAN_FILES);
    assert.deepEqual(changed, [], `postman/${changed.join(', postman/')} ${HOW_TO_FIX}`);
  });
});
