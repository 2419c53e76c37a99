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
  const provider = r.oneOf<AchProviderName>(
    'ONRAMP_ACH_PROVIDER',
    mode === 'sandbox' ? 'sandbox' : 'none',
    ['sandbox', 'none'],
    {
      doc: 'the ACH originator that debits bank accounts: `sandbox` applies the documented test amounts and moves no money (refused in production); `none` means no originator is configured, and purchases answer `501 NOT_IMPLEMENTED`',
      example: 'none',
    },
  );
  if (mode === 'production' && provider === 'sandbox') {
    r.problems.push('ONRAMP_ACH_PROVIDER: sandbox is not allowed in production mode (it moves no money)');
  }
  return {
    provider,
    settlementBusinessDays: r.int(
      'ONRAMP_ACH_SETTLEMENT_BUSINESS_DAYS',
      3,
      1,
      10,
      'Federal Reserve business days from origination to settlement',
    ),
    pollSeconds: r.int(
      'ONRAMP_ACH_POLL_SECONDS',
      30,
      1,
      3600,
      'how often a worker looks for debits due to settle (the sandbox clock also triggers it)',
    ),
  };
}
