// The running sandbox server records itself in the state directory. The embedded database can only
// be opened by one process, so a second server refuses to start on the same data directory, and the
// CLI sends its commands to the running server (over loopback, with this token) instead.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

export interface InstanceInfo {
  pid: number;
  url: string;
  operatorToken: string;
  dataDir: string;
  startedAt: string;
  /** Where it is recorded (set when read, not stored). */
  file?: string;
}

function file(config: Config): string {
  return path.join(config.stateDir, 'server.json');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The server currently running on this configuration's embedded database, if any. */
export function readLiveInstance(config: Config): InstanceInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(file(config), 'utf8')) as InstanceInfo;
    if (info.dataDir !== config.db.dataDir || info.pid === process.pid || !alive(info.pid)) return undefined;
    return { ...info, file: file(config) };
  } catch {
    return undefined;
  }
}

export function writeInstance(config: Config, info: InstanceInfo): void {
  fs.mkdirSync(config.stateDir, { recursive: true });
  fs.writeFileSync(file(config), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

export function removeInstance(config: Config): void {
  try {
    const info = JSON.parse(fs.readFileSync(file(config), 'utf8')) as InstanceInfo;
    if (info.pid === process.pid) fs.rmSync(file(config), { force: true });
  } catch {
    // Nothing recorded, nothing to remove.
  }
}
