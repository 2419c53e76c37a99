// `npm run contracts:compile`: compiles the sandbox contracts (src/sandbox/chains/contracts/*.sol) with
// the `solc` npm package (a development dependency) and writes contracts/artifacts.json, which the
// server reads instead of compiling at run time. Run it after changing a .sol file; the test
// src/sandbox/chains/artifacts.test.ts fails until you do.
import fs from 'node:fs';
import type { Abi } from 'viem';
import {
  ARTIFACTS_FILE,
  CONTRACT_NAMES,
  SETTINGS,
  readSources,
  sourceHashes,
  type ArtifactsFile,
  type CompiledContract,
} from '../src/sandbox/chains/compile.ts';

interface SolcModule {
  version(): string;
  compile(input: string): string;
}

/** What the sources compile to now, in the shape of artifacts.json. */
export async function compileContracts(): Promise<ArtifactsFile> {
  const solc = (await import('solc')).default as unknown as SolcModule;
  const sources = readSources();
  const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings: SETTINGS }))) as {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0)
    throw new Error(`sandbox contracts do not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const found = new Map<string, CompiledContract>();
  for (const contracts of Object.values(output.contracts ?? {})) {
    for (const [name, contract] of Object.entries(contracts))
      found.set(name, { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` });
  }
  const contracts = Object.fromEntries(
    CONTRACT_NAMES.map((name) => {
      const contract = found.get(name);
      if (!contract) throw new Error(`solc output lacks ${name}`);
      return [name, contract];
    }),
  ) as ArtifactsFile['contracts'];
  return { solc: solc.version(), settings: SETTINGS, sources: sourceHashes(sources), contracts };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const artifacts = await compileContracts();
  fs.writeFileSync(ARTIFACTS_FILE, `${JSON.stringify(artifacts, null, 2)}\n`);
  process.stdout.write(`wrote ${ARTIFACTS_FILE} (solc ${artifacts.solc})\n`);
}
