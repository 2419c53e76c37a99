// POST /v1/auth/cryptoWallet:authenticate — checks the wallet's signature of its latest challenge,
// uses the challenge up, and adds the WALLET factor to the session (a new one, or the JWT's).
import { AppError } from '../../errors/app-error.ts';
import { userMask, type UserMask } from '../clients/client-sessions.ts';
import type { ClientPrincipal, UserSession } from '../../plugins/types.ts';
import type { AuthDeps } from './deps.ts';
import { applyProof } from './prove-factor.ts';
import {
  findSigningWallet,
  latestChallenge,
  liveChallenges,
  useChallenge,
  type WalletChallengeRow,
} from './repository.ts';
import { parseSignature, verifySolana, type Hex } from './signatures.ts';
import { assertClientSessionWallet, resolveWallet, type Wallet, type WalletInput } from './wallet-input.ts';

// A partner may call :start twice before the user signs (a re-render); the newest few are tried.
const CANDIDATE_CHALLENGES = 3;

export interface AuthenticateWalletInput extends WalletInput {
  signature: string;
}

export interface FirstFactorAuthOutput {
  sessionJwt: string;
  userMask?: UserMask;
}

export async function authenticateWallet(
  deps: AuthDeps,
  client: ClientPrincipal,
  session: UserSession | null,
  input: AuthenticateWalletInput,
): Promise<FirstFactorAuthOutput> {
  const wallet = resolveWallet(input);
  assertClientSessionWallet(client, wallet);
  const signature = parseSignature(wallet.type, input.signature);
  const challenge = await signedChallenge(deps, client.id, wallet, signature);
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (trx) => {
    if (!(await useChallenge(trx, challenge.id, now)))
      return {
        ok: false as const,
        error: rejected('reused', 'The challenge was already used; call cryptoWallet:start for a new one'),
      };
    const owner = await findSigningWallet(trx, wallet.type, wallet.address);
    const proofCtx = {
      now,
      clientId: client.id,
      clientSessionHash: client.session?.idHash ?? null,
      sessionId: session?.id ?? null,
    };
    return applyProof(trx, deps.sessions, proofCtx, { factor: 'WALLET', wallet, ownerId: owner?.user_id ?? null });
  });
  if (!result.ok) throw result.error;
  await deps.sessions.sweepOccasionally();
  const sessionJwt = await deps.sessions.issue(result.sessionId, client.id);
  const mask = result.userId ? await userMask(deps.db, result.userId) : undefined;
  return { sessionJwt, ...(mask ? { userMask: mask } : {}) };
}

/** The live challenge this signature signs, or 401 INVALID_SIGNATURE saying why not. */
export async function signedChallenge(
  deps: AuthDeps,
  clientId: string,
  wallet: Wallet,
  signature: Hex | Buffer[],
): Promise<WalletChallengeRow> {
  const key = { clientId, type: wallet.type, address: wallet.address };
  const candidates = await liveChallenges(deps.db, { ...key, now: deps.clock.now(), limit: CANDIDATE_CHALLENGES });
  if (candidates.length === 0) throw await noLiveChallenge(deps, key);
  for (const challenge of candidates) {
    const valid = Array.isArray(signature)
      ? verifySolana(wallet.address, challenge.message, signature)
      : await deps.evm.verifyMessage({ address: wallet.address as Hex, message: challenge.message, signature });
    if (valid) return challenge;
  }
  throw rejected('mismatch', '`signature` is not a signature of the latest challenge by `walletAddress`');
}

async function noLiveChallenge(deps: AuthDeps, key: Parameters<typeof latestChallenge>[1]): Promise<AppError> {
  const latest = await latestChallenge(deps.db, key);
  if (!latest)
    return rejected(
      'noChallenge',
      'No challenge was issued to this client for this wallet; call cryptoWallet:start first',
    );
  if (latest.used_at)
    return rejected('reused', 'The challenge was already used; call cryptoWallet:start for a new one');
  return rejected(
    'expired',
    `The challenge expired at ${latest.expires_at.toISOString()}; call cryptoWallet:start for a new one`,
  );
}

export function rejected(rule: string, message: string): AppError {
  return new AppError('INVALID_SIGNATURE', { message, data: { field: 'signature', rule } });
}
