// POST /v1/partner/auth/cryptoWallet:authenticate — Ratio's partner session flow, over client
// sessions: the partner's backend (client secret) has the user's wallet sign the challenge of
// partner/auth/cryptoWallet:start; a valid signature creates a client session bound to that wallet
// and to the deposit address (the wallet itself by default). The answer is Ratio's
// PartnerAuthenticationResponse: the session id (the embedded front end sends it as
// ratio-partner-session-id, or ratio-client-session-id) and the partnerUrl to open.
// A wallet that already signs in for a user gives the session its user (the userMask of
// GET /v1/partner/sessions/{id}); a suspended user (F0000) is refused as at any sign-in.
import { newClientSession } from '../clients/client-sessions.ts';
import { insertClientSession } from '../clients/repository.ts';
import { flagBlock } from '../flags/index.ts';
import type { ClientPrincipal } from '../../plugins/types.ts';
import { rejected, signedChallenge, type AuthenticateWalletInput } from './authenticate-wallet.ts';
import type { AuthDeps } from './deps.ts';
import { findSigningWallet, useChallenge } from './repository.ts';
import { parseSignature } from './signatures.ts';
import { resolveWallet } from './wallet-input.ts';

export interface AuthenticatePartnerInput extends AuthenticateWalletInput {
  depositAddress?: string;
}

export interface PartnerAuthenticationOutput {
  sessionId: string;
  partnerUrl: string;
}

export interface PartnerSessionSettings {
  sessionTtlSeconds: number;
  /** URL template; `{sessionId}` is replaced (else `?sessionId=` is added). */
  partnerUrl: string;
}

export function partnerUrlFor(template: string, sessionId: string): string {
  if (template.includes('{sessionId}')) return template.replaceAll('{sessionId}', encodeURIComponent(sessionId));
  const url = new URL(template);
  url.searchParams.set('sessionId', sessionId);
  return url.toString();
}

export async function authenticatePartner(
  deps: AuthDeps,
  settings: PartnerSessionSettings,
  client: ClientPrincipal,
  input: AuthenticatePartnerInput,
): Promise<PartnerAuthenticationOutput> {
  const wallet = resolveWallet(input);
  const signature = parseSignature(wallet.type, input.signature);
  const now = deps.clock.now();
  // Checked before the challenge is used, so a bad depositAddress can be corrected with the same signature.
  const session = newClientSession(now, client.id, settings.sessionTtlSeconds, {
    signingAddress: wallet.address,
    signingType: wallet.type,
    ...(input.depositAddress !== undefined ? { depositAddress: input.depositAddress } : {}),
  });
  const challenge = await signedChallenge(deps, client.id, wallet, signature);
  const result = await deps.db.transaction().execute(async (trx) => {
    if (!(await useChallenge(trx, challenge.id, now)))
      return { error: rejected('reused', 'The challenge was already used; call cryptoWallet:start for a new one') };
    const owner = await findSigningWallet(trx, wallet.type, wallet.address);
    const blocked = owner ? await flagBlock(trx, owner.user_id, 'READ') : undefined;
    if (blocked) return { error: blocked };
    await insertClientSession(trx, { ...session.row, user_id: owner?.user_id ?? null });
    return { error: undefined };
  });
  if (result.error) throw result.error;
  return { sessionId: session.id, partnerUrl: partnerUrlFor(settings.partnerUrl, session.id) };
}
