// The sandbox contracts (contracts/*.sol), compiled ahead of time: contracts/artifacts.json holds their
// ABI and bytecode, with the compiler version, the settings and a hash of each source they were built
// from. The server reads that file and never loads a Solidity compiler (loading solc alone took ~1.3 s
// and ~100 MB). `npm run contracts:compile` rebuilds the file after a change to a .sol file
// (scripts/compile-contracts.ts), and a test checks that it matches what the sources compile to.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';

export const CONTRACTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'contracts');
export const ARTIFACTS_FILE = path.join(CONTRACTS_DIR, 'artifacts.json');
export const SOURCES = ['SandboxUSDC.sol', 'SandboxSmartWallet.sol'] as const;
export const CONTRACT_NAMES = ['SandboxUSDC', 'SandboxSmartWallet', 'SandboxSmartWalletFactory'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface CompiledContract {
  abi: Abi;
  bytecode: Hex;
}
export type SandboxArtifacts = Record<ContractName, CompiledContract>;

/** contracts/artifacts.json */
export interface ArtifactsFile {
  solc: string;
  settings: typeof SETTINGS;
  /** SHA-256 of each source file the contracts were compiled from. */
  sources: Record<string, string>;
  contracts: SandboxArtifacts;
}

// Fixed so bytecode, and with it every address and hash on the sandbox chains, does not change
// when a default of solc does. evmVersion must not be newer than the chains' hardfork.
export const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

export function readSources(): Record<string, { content: string }> {
  return Object.fromEntries(
    SOURCES.map((file) => [file, { content: fs.readFileSync(path.join(CONTRACTS_DIR, file), 'utf8') }]),
  );
}

export function sourceHashes(sources: Record<string, { content: string }>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(sources).map(([file, { content }]) => [file, createHash('sha256').update(content).digest('hex')]),
  );
}

let loaded: SandboxArtifacts | undefined;

/** The compiled sandbox contracts; refuses artifacts built from other sources than the .sol files here. */
export function loadSandboxArtifacts(): SandboxArtifacts {
  if (loaded) return loaded;
  const file = JSON.parse(fs.readFileSync(ARTIFACTS_FILE, 'utf8')) as ArtifactsFile;
  const current = sourceHashes(readSources());
  for (const name of SOURCES) {
    if (file.sources[name] !== current[name])
      throw new Error(
        `src/sandbox/chains/contracts/artifacts.json was not compiled from the current ${name}: run npm run contracts:compile`,
      );
  }
  loaded = file.contracts;
  return loaded;
}
