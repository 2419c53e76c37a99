import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CATALOGUE, RATIO_CODES, catalogueEntry } from './catalogue.ts';

// A copy of ratio-docs/api-reference/error-codes.md is kept in the repository so a fresh clone checks it
// too; RATIO_DOCS points at a newer docs tree to check against that instead.
const docsFile = process.env.RATIO_DOCS
  ? path.resolve(process.env.RATIO_DOCS, 'api-reference/error-codes.md')
  : path.join(process.cwd(), 'test/fixtures/ratio-error-codes.md');

describe('error catalogue', () => {
  it('matches every code in ratio-docs/api-reference/error-codes.md', () => {
    const text = fs.readFileSync(docsFile, 'utf8');
    const documented = [...text.matchAll(/<tr><td>([A-Z0-9_]+)<\/td>/g)].map((m) => m[1]!);
    assert.ok(documented.length > 100);
    assert.deepEqual([...RATIO_CODES].sort(), [...new Set(documented)].sort());
  });

  it('gives every code an HTTP status and a message', () => {
    for (const entry of CATALOGUE.values()) {
      assert.ok(entry.status >= 400 && entry.status < 600, entry.code);
      assert.ok(entry.message.length > 5, entry.code);
    }
  });

  it('assigns statuses by kind', () => {
    assert.equal(catalogueEntry('ALREADY_EXISTS_PHONE').status, 409);
    assert.equal(catalogueEntry('NOT_FOUND_USER').status, 404);
    assert.equal(catalogueEntry('MISSING_FIRST_NAME').status, 400);
    assert.equal(catalogueEntry('INVALID_CLIENT_SECRET').status, 401);
    assert.equal(catalogueEntry('MFA_REQUIRED').status, 403);
    assert.equal(catalogueEntry('EXCEEDS_LIMIT_ACH').status, 422);
    assert.equal(catalogueEntry('MISSING_FIRST_NAME').message, '`firstName` is required');
    assert.equal(catalogueEntry('INVALID_LINE_1').message, '`line1` is not valid');
  });
});
