// What the auth use cases need from the app, built once in app.ts (ctx.auth).
import type { AuthConfig } from './config.ts';
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../lib/clock.ts';
import type { KeyRing } from '../../lib/crypto.ts';
import type { Messaging } from '../../providers/messaging/index.ts';
import type { UserSessions } from './sessions.ts';
import type { EvmVerifier } from './signatures.ts';

export interface AuthDeps {
  db: Db;
  clock: Clock;
  config: AuthConfig;
  sessions: UserSessions;
  evm: EvmVerifier;
  /** The `Chain ID` written in EVM challenges. */
  evmChainId: number;
  keyring: KeyRing;
  messaging: Messaging;
}
