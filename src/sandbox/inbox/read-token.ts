// Inbox read tokens: what the sandbox inbox page uses instead of the client secret. A token names its
// client and carries a keyed hash of it, so it can be checked without storage and opens nothing but
// that client's sandbox inbox (never the API). It stays valid while the encryption keys do.
import type { KeyRing } from '../../lib/crypto.ts';
import { digestsEqual } from '../../lib/crypto.ts';

const PURPOSE = 'sandbox-inbox-read';
const TOKEN_RE = /^ibx_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;

export function inboxReadToken(keyring: KeyRing, clientId: string): string {
  return `ibx_${clientId}_${keyring.blindIndex(clientId, PURPOSE)}`;
}

/** The client a read token is for, or undefined when it is not one of ours. */
export function clientOfReadToken(keyring: KeyRing, token: string): string | undefined {
  const match = TOKEN_RE.exec(token);
  if (!match) return undefined;
  const [, clientId, mac] = match as unknown as [string, string, string];
  const expected = keyring.blindIndex(clientId, PURPOSE);
  return digestsEqual(Buffer.from(mac), Buffer.from(expected)) ? clientId : undefined;
}
