// POST /v1/auth/cryptoWallet:start — issues a single-use sign-in challenge for a wallet.
import { newId } from '../../lib/crypto.ts';
import type { ClientPrincipal } from '../../plugins/types.ts';
import { buildChallenge } from './challenge.ts';
import type { AuthDeps } from './deps.ts';
import { deleteExpiredChallenges, insertChallenge } from './repository.ts';
import { assertClientSessionWallet, resolveWallet, type WalletInput } from './wallet-input.ts';

export type StartWalletChallengeInput = WalletInput;

export interface StartWalletChallengeOutput {
  challenge: string;
}

export async function startWalletChallenge(
  deps: AuthDeps,
  client: ClientPrincipal,
  input: StartWalletChallengeInput,
): Promise<StartWalletChallengeOutput> {
  const wallet = resolveWallet(input);
  assertClientSessionWallet(client, wallet);
  const now = deps.clock.now();
  const challenge = buildChallenge(deps.config.challenge, deps.evmChainId, wallet.type, wallet.address, now);
  const key = { clientId: client.id, type: wallet.type, address: wallet.address };
  await deleteExpiredChallenges(deps.db, { ...key, now });
  await insertChallenge(deps.db, {
    id: newId(),
    client_id: client.id,
    wallet_type: wallet.type,
    address: wallet.address,
    nonce: challenge.nonce,
    message: challenge.message,
    issued_at: challenge.issuedAt,
    expires_at: challenge.expiresAt,
    used_at: null,
  });
  return { challenge: challenge.message };
}
