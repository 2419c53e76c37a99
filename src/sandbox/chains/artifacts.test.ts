import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { compileContracts } from '../../../scripts/compile-contracts.ts';
import { ARTIFACTS_FILE, loadSandboxArtifacts, type ArtifactsFile } from './compile.ts';

describe('shipped sandbox contract artifacts', () => {
  it('are exactly what the Solidity sources compile to (run npm run contracts:compile after changing a .sol file)', async () => {
    const shipped = JSON.parse(fs.readFileSync(ARTIFACTS_FILE, 'utf8')) as ArtifactsFile;
    const compiled = await compileContracts();
    assert.deepEqual(shipped, compiled);
    assert.deepEqual(loadSandboxArtifacts(), compiled.contracts);
    assert.match(loadSandboxArtifacts().SandboxUSDC.bytecode, /^0x[0-9a-f]{100,}$/);
  });
});
