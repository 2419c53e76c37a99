// The rules for adding a proven factor to a session. Pure functions: the database work is in
// prove-factor.ts. A session is about one identity: every factor it holds must belong to the same
// user (or, before sign-up, to nobody). SMS is the factor every write needs; email + wallet is never
// enough (PRODUCT.md §2).
import { AppError } from '../../errors/app-error.ts';
import type { WalletType } from '../../lib/addresses.ts';
import type { Factor } from '../../plugins/types.ts';

export interface SessionState {
  userId: string | null;
  factors: Factor[];
  wallet?: { address: string; type: WalletType };
  phone?: string;
  email?: string;
}

/** A factor just proven, and the user it belongs to (null: no user has it yet). */
export type Proof =
  | { factor: 'WALLET'; wallet: { address: string; type: WalletType }; ownerId: string | null }
  | { factor: 'SMS'; phone: string; ownerId: string | null }
  | { factor: 'EMAIL'; email: string; ownerId: string | null };

export type Decision =
  /** Add the factor; the session is (now) for `userId`. `linkWallet`: attach the proven wallet to that user. */
  | { kind: 'apply'; userId: string | null; linkWallet: boolean }
  /** Refuse. `pendingLinkUserId`: this wallet session found another user's phone or email (account linking). */
  | { kind: 'reject'; error: AppError; pendingLinkUserId?: string };

/** Two factors, one of them SMS: what creating a user, KYC, banks, wallets and purchases need. */
export function hasTwoFactors(factors: readonly Factor[]): boolean {
  return factors.includes('SMS') && (factors.includes('WALLET') || factors.includes('EMAIL'));
}

export function decide(state: SessionState | null, proof: Proof): Decision {
  if (state === null) return apply(proof.ownerId);
  const mismatch = sameKindMismatch(state, proof);
  if (mismatch) return { kind: 'reject', error: mismatch };
  const owner = proof.ownerId;
  if (owner === state.userId) return apply(owner);
  if (state.userId === null) {
    // The session's factors belong to nobody; this one belongs to a user: the guide's 409.
    const pendingLinkUserId = state.wallet && proof.factor !== 'WALLET' ? owner! : undefined;
    return { kind: 'reject', error: conflict(proof), ...(pendingLinkUserId ? { pendingLinkUserId } : {}) };
  }
  if (owner !== null) return { kind: 'reject', error: conflict(proof) };
  // The session is for a user and this factor belongs to nobody.
  if (proof.factor === 'SMS')
    return {
      kind: 'reject',
      error: new AppError('MISMATCH_PHONE', {
        message: "The phone number is not the one on record for this session's user",
        data: { field: 'phoneNumber' },
      }),
    };
  if (proof.factor === 'EMAIL')
    return {
      kind: 'reject',
      error: new AppError('MISMATCH_EMAIL', {
        message: "The email address is not the one on record for this session's user",
        data: { field: 'email' },
      }),
    };
  if (hasTwoFactors(state.factors)) return { kind: 'apply', userId: state.userId, linkWallet: true };
  return {
    kind: 'reject',
    error: new AppError('MFA_REQUIRED', {
      message:
        'This wallet is not yet a signing wallet of the user. To add it, prove SMS and a second factor (email) in this session first, then sign the challenge again with this JWT',
      data: { factors: state.factors, required: ['SMS', 'EMAIL'] },
    }),
  };
}

function apply(userId: string | null): Decision {
  return { kind: 'apply', userId, linkWallet: false };
}

/** A session proves one phone and one email; a second, different one is refused. */
function sameKindMismatch(state: SessionState, proof: Proof): AppError | undefined {
  if (proof.factor === 'SMS' && state.phone !== undefined && state.phone !== proof.phone) {
    return new AppError('MISMATCH_PHONE', {
      message: 'This session already proved another phone number; start a new session (send the code without the JWT)',
      data: { field: 'phoneNumber' },
    });
  }
  if (proof.factor === 'EMAIL' && state.email !== undefined && state.email !== proof.email) {
    return new AppError('MISMATCH_EMAIL', {
      message: 'This session already proved another email address; start a new session (send the code without the JWT)',
      data: { field: 'email' },
    });
  }
  return undefined;
}

function conflict(proof: Proof): AppError {
  switch (proof.factor) {
    case 'SMS':
      return new AppError('ALREADY_EXISTS_PHONE', {
        message:
          'The phone number belongs to another user. To link this wallet to that user: send and authenticate an SMS code without this JWT, then an email code with the new JWT, then call cryptoWallet:addToUser',
        data: { field: 'phoneNumber' },
      });
    case 'EMAIL':
      return new AppError('ALREADY_EXISTS_EMAIL', {
        message: 'The email address belongs to another user than the factors already proven in this session',
        data: { field: 'email' },
      });
    case 'WALLET':
      return new AppError('ALREADY_EXISTS_WALLET_ADDRESS', {
        message: 'The wallet is a signing wallet of another user than the factors already proven in this session',
        data: { field: 'walletAddress' },
      });
    default: {
      const never: never = proof;
      throw new Error(`unknown factor ${String(never)}`);
    }
  }
}

/** The state after `proof` is added under `decision`. */
export function merge(state: SessionState | null, proof: Proof, userId: string | null): SessionState {
  const factors = new Set<Factor>(state?.factors ?? []);
  factors.add(proof.factor);
  const next: SessionState = {
    ...(state ?? {}),
    userId,
    factors: (['WALLET', 'SMS', 'EMAIL'] as const).filter((f) => factors.has(f)),
  };
  if (proof.factor === 'WALLET') next.wallet = proof.wallet;
  if (proof.factor === 'SMS') next.phone = proof.phone;
  if (proof.factor === 'EMAIL') next.email = proof.email;
  return next;
}
