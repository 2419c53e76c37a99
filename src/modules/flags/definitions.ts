// The account flags of ratio-docs/user-support-reference/user-account-flags/. Every one of them makes
// all POST, PATCH and DELETE endpoints answer 403; F0000 (suspended) also hides the user from GETs.
import type { ErrorCode } from '../../errors/catalogue.ts';

export const FLAG_CODES = [
  'F0000',
  'F0001',
  'F1000',
  'F1001',
  'F1002',
  'F1004',
  'F2000',
  'F2001',
  'F2002',
  'F2003',
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

export interface FlagDefinition {
  code: FlagCode;
  /** The page that documents it. */
  category: 'FRAUD' | 'NSF_AND_RETURNS' | 'TRANSACTION_PROCESSING' | 'KYC_REVIEW';
  description: string;
  /** The documented error a blocked call gets (403). */
  errorCode: Extract<ErrorCode, 'USER_BLOCKED' | 'USER_UNDER_REVIEW'>;
  /** F0000: "Any GET call that can identify a user also returns a 403". */
  blocksReads: boolean;
}

const d = (
  code: FlagCode,
  category: FlagDefinition['category'],
  errorCode: FlagDefinition['errorCode'],
  description: string,
  blocksReads = false,
): FlagDefinition => ({
  code,
  category,
  errorCode,
  description,
  blocksReads,
});

export const FLAGS: Readonly<Record<FlagCode, FlagDefinition>> = {
  F0000: d('F0000', 'FRAUD', 'USER_BLOCKED', 'Account suspended: a very high likelihood of fraud or misuse', true),
  F0001: d('F0001', 'FRAUD', 'USER_UNDER_REVIEW', 'High risk assessment: the account is under review'),
  F1000: d(
    'F1000',
    'NSF_AND_RETURNS',
    'USER_BLOCKED',
    'Non-payment (instant ACH): the crypto was sent and the payment failed to settle',
  ),
  F1001: d(
    'F1001',
    'NSF_AND_RETURNS',
    'USER_BLOCKED',
    'Failed payment (standard ACH): the payment failed to settle; the crypto was not sent',
  ),
  F1002: d(
    'F1002',
    'NSF_AND_RETURNS',
    'USER_BLOCKED',
    'Returned payment: the account holder returned a previously settled payment',
  ),
  F1004: d(
    'F1004',
    'TRANSACTION_PROCESSING',
    'USER_BLOCKED',
    'Signal evaluation failed: the order was likely to be returned',
  ),
  F2000: d('F2000', 'KYC_REVIEW', 'USER_UNDER_REVIEW', 'Address mismatch: the address could not be verified'),
  F2001: d(
    'F2001',
    'KYC_REVIEW',
    'USER_UNDER_REVIEW',
    'KYC under review: the information must be confirmed with the user',
  ),
  F2002: d(
    'F2002',
    'KYC_REVIEW',
    'USER_UNDER_REVIEW',
    'KYC under review: the information must be confirmed with the user',
  ),
  F2003: d(
    'F2003',
    'KYC_REVIEW',
    'USER_UNDER_REVIEW',
    'KYC under review: the information must be confirmed with the user',
  ),
};

export function isFlagCode(code: string): code is FlagCode {
  return (FLAG_CODES as readonly string[]).includes(code);
}

/**
 * What a caller is about to do. Every write (BUY, LINK_BANK, UPDATE_PROFILE — which covers
 * wallets and KYC) is blocked by any active flag; READ only by F0000. VERIFY_IDENTITY (POST /idv,
 * the documents a KYC review asks for) is what resolves the KYC review flags, so only the others
 * block it.
 */
export type FlagAction = 'BUY' | 'LINK_BANK' | 'UPDATE_PROFILE' | 'VERIFY_IDENTITY' | 'READ';

/** Which flags block `action`, in order of severity (the first one found is reported). */
export function blockingFlags(action: FlagAction): FlagCode[] {
  if (action === 'READ') return FLAG_CODES.filter((c) => FLAGS[c].blocksReads);
  if (action === 'VERIFY_IDENTITY') return FLAG_CODES.filter((c) => FLAGS[c].category !== 'KYC_REVIEW');
  return [...FLAG_CODES];
}
