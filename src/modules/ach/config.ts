// ACH settings (ONRAMP_ACH_*): the originator that debits users' bank accounts and its settlement timing.
import type { EnvReader, Mode } from '../../config.ts';

export type AchProviderName = 'sandbox' | 'none';

/** The ACH originator that debits users' bank accounts. */
export interface AchConfig {
  /** `none`: no ACH originator is configured; purchases answer NOT_IMPLEMENTED. */
  provider: AchProviderName;
  /** Federal Reserve business days from origination to settlement. */
  settlementBusinessDays: number;
  /** How often a worker looks for debits due to settle (the sandbox clock also kicks it). */
  pollSeconds: number;
}

export function readAchConfig(r: EnvReader, mode: Mode): AchConfig {
  const provider = r.oneOf<AchProviderName>('ONRAMP_ACH_PROVIDER', mode === 'sandbox' ? 'sandbox' : 'none', [
    'sandbox',
    'none',
  ]);
  if (mode === 'production' && provider === 'sandbox') {
    r.problems.push('ONRAMP_ACH_PROVIDER: sandbox is not allowed in production mode (it moves no money)');
  }
  return {
    provider,
    settlementBusinessDays: r.int('ONRAMP_ACH_SETTLEMENT_BUSINESS_DAYS', 3, 1, 10),
    pollSeconds: r.int('ONRAMP_ACH_POLL_SECONDS', 30, 1, 3600),
  };
}
