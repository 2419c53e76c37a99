// The API Kyc object (types-glossary.md#kyc): per-check results, plus `status`, the overall result
// the user-account-flags guide tells partners to look for.
import type { KycResult, KycSubmissionStatus } from './tables.ts';

export type KycStatus = 'NOT_STARTED' | KycSubmissionStatus;

export interface Kyc {
  createTime?: string;
  updateTime?: string;
  status: KycStatus;
  addressResult: KycResult;
  dobResult: KycResult;
  fraudResult: KycResult;
  idvResult: KycResult;
  /** Only the last four digits of the identity number, ever. */
  idNumberLast4?: string;
}

export interface KycRowView {
  status: KycSubmissionStatus;
  address_result: KycResult;
  dob_result: KycResult;
  fraud_result: KycResult;
  idv_result: KycResult;
  ssn_last4: string;
  created_at: Date;
  updated_at: Date;
}

export const NOT_STARTED_KYC: Kyc = {
  status: 'NOT_STARTED',
  addressResult: 'NOT_STARTED',
  dobResult: 'NOT_STARTED',
  fraudResult: 'NOT_STARTED',
  idvResult: 'NOT_STARTED',
};

export function toKyc(row: KycRowView | undefined): Kyc {
  if (!row) return { ...NOT_STARTED_KYC };
  return {
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
    status: row.status,
    addressResult: row.address_result,
    dobResult: row.dob_result,
    fraudResult: row.fraud_result,
    idvResult: row.idv_result,
    idNumberLast4: row.ssn_last4,
  };
}
