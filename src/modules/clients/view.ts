// How a client's secrets are shown after they were issued: never the secret, only its last characters.
import type { ClientSecretRow } from './repository.ts';

/** The secrets that still work at `now`, newest first, as hints with their lifetimes. */
export function secretHints(secrets: ClientSecretRow[], now: Date) {
  return secrets
    .filter((s) => s.expires_at === null || s.expires_at > now)
    .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
    .map((s) => ({
      hint: `…${s.hint}`,
      createTime: s.created_at.toISOString(),
      ...(s.expires_at ? { expireTime: s.expires_at.toISOString() } : {}),
    }));
}
