// Compiles the sandbox contracts (contracts/*.sol) with the `solc` npm package, in process. Loading
// and compiling take ~2 s, so the result is cached on disk keyed by a hash of the compiler version,
// settings and sources: a restart, or another test process, reads the cache instead. The cache is
// only needed when a chain is bootstrapped for the first time; a restart replays recorded
// transactions and compiles nothing.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';

const CONTRACTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'contracts');
const SOURCES = ['SandboxUSDC.sol', 'SandboxSmartWallet.sol'] as const;
export const CONTRACT_NAMES = ['SandboxUSDC', 'SandboxSmartWallet', 'SandboxSmartWalletFactory'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface CompiledContract {
  abi: Abi;
  bytecode: Hex;
}
export type SandboxArtifacts = Record<ContractName, CompiledContract>;

// Fixed so bytecode, and with it every address and hash on the sandbox chains, does not change
// when a default of solc does. evmVersion must not be newer than the chains' hardfork.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

interface SolcModule {
  version(): string;
  compile(input: string): string;
}

const memo = new Map<string, Promise<SandboxArtifacts>>();

function readSources(): Record<string, { content: string }> {
  return Object.fromEntries(
    SOURCES.map((file) => [file, { content: fs.readFileSync(path.join(CONTRACTS_DIR, file), 'utf8') }]),
  );
}

function solcVersion(): string {
  return (createRequire(import.meta.url)('solc/package.json') as { version: string }).version;
}

/** The compiled sandbox contracts, from the cache in `cacheDir` when it holds this exact build. */
export function loadSandboxArtifacts(cacheDir: string): Promise<SandboxArtifacts> {
  const sources = readSources();
  const key = createHash('sha256')
    .update(JSON.stringify({ solc: solcVersion(), settings: SETTINGS, sources }))
    .digest('hex')
    .slice(0, 20);
  let pending = memo.get(key);
  if (!pending) {
    pending = loadOrCompile(cacheDir, key, sources);
    memo.set(key, pending);
    pending.catch(() => memo.delete(key));
  }
  return pending;
}

async function loadOrCompile(
  cacheDir: string,
  key: string,
  sources: Record<string, { content: string }>,
): Promise<SandboxArtifacts> {
  const file = path.join(cacheDir, `sandbox-contracts-${key}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxArtifacts;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  const artifacts = await compile(sources);
  fs.mkdirSync(cacheDir, { recursive: true });
  // Write then rename: processes compiling at once never read a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(artifacts));
  fs.renameSync(tmp, file);
  return artifacts;
}

async function compile(sources: Record<string, { content: string }>): Promise<SandboxArtifacts> {
  const solc = (await import('solc')).default as unknown as SolcModule;
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
  return Object.fromEntries(
    CONTRACT_NAMES.map((name) => {
      const contract = found.get(name);
      if (!contract) throw new Error(`solc output lacks ${name}`);
      return [name, contract];
    }),
  ) as SandboxArtifacts;
}
