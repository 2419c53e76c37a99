// ACH settings (ONRAMP_ACH_*): the originator that debits users' bank accounts — Plaid Transfer through
// ctx.plaid (the built-in Plaid sandbox in sandbox mode), or none — and how its debits are sent and followed.
import type { EnvReader, Mode } from '../../config.ts';

export type AchProviderName = 'plaid' | 'none';
export type AchNetwork = 'ach' | 'same-day-ach';
export type AchClass = 'web' | 'ppd' | 'tel' | 'ccd';

export interface AchConfig {
  /** `plaid`: Plaid Transfer; `none`: no originator, purchases answer 501 NOT_IMPLEMENTED. */
  provider: AchProviderName;
  /**
   * The network per purchase type. INSTANT sends the crypto before the money arrives, so its debit
   * goes Same Day ACH (settles sooner, shorter exposure); STANDARD waits anyway and goes standard ACH.
   */
  networks: { INSTANT: AchNetwork; STANDARD: AchNetwork };
  /** NACHA SEC code: `web` for a consumer debit authorized online, as onramp's purchases are. */
  achClass: AchClass;
  /** What the user's bank statement shows (Plaid: why the money moves, at most 10 characters). */
  description: string;
  /**
   * Federal Reserve business days from a debit's effective date to settlement in the built-in Plaid
   * sandbox, and onramp's estimate of the settlement date when Plaid gives none.
   */
  settlementBusinessDays: number;
  /** The bounded poll of Plaid's event stream (TRANSFER_EVENTS_UPDATE webhooks wake it sooner). */
  pollSeconds: number;
}

const NETWORKS = ['ach', 'same-day-ach'] as const;

export function readAchConfig(r: EnvReader, _mode: Mode): AchConfig {
  const provider = r.oneOf<AchProviderName>('ONRAMP_ACH_PROVIDER', 'plaid', ['plaid', 'none'], {
    doc: 'the ACH originator: `plaid` debits through Plaid Transfer with the Plaid keys and environment of ONRAMP_PLAID_* (in sandbox mode the built-in Plaid sandbox, which applies the documented test amounts); `none` means no originator, and purchases answer `501 NOT_IMPLEMENTED` (docs/money-movement.md)',
    example: 'plaid',
  });
  const description = r.string('ONRAMP_ACH_DESCRIPTION', 'Crypto buy', {
    maxLength: 10,
    doc: "the transfer description on the user's bank statement (Plaid: why the money moves, not the company name; printable ASCII)",
  });
  if (!/^[\x20-\x7e]+$/.test(description))
    r.problems.push('ONRAMP_ACH_DESCRIPTION: must be printable ASCII (it goes on bank statements)');
  return {
    provider,
    networks: {
      INSTANT: r.oneOf<AchNetwork>('ONRAMP_ACH_INSTANT_NETWORK', 'same-day-ach', NETWORKS, {
        doc: 'the Plaid Transfer network of INSTANT purchases (the crypto goes first, so the debit should settle soon; after the 15:00 New York cutoff Plaid sends same-day as standard ACH)',
      }),
      STANDARD: r.oneOf<AchNetwork>('ONRAMP_ACH_STANDARD_NETWORK', 'ach', NETWORKS, {
        doc: 'the Plaid Transfer network of STANDARD purchases (the crypto waits for settlement)',
      }),
    },
    achClass: r.oneOf<AchClass>('ONRAMP_ACH_CLASS', 'web', ['web', 'ppd', 'tel', 'ccd'], {
      doc: 'the NACHA SEC code of the debits: `web`, a consumer debit authorized online, is what a purchase through a partner app is',
    }),
    description,
    settlementBusinessDays: r.int(
      'ONRAMP_ACH_SETTLEMENT_BUSINESS_DAYS',
      3,
      1,
      10,
      "Federal Reserve business days from a debit's effective date to settlement in the built-in Plaid sandbox; also onramp's estimate of the settlement date when Plaid gives none",
    ),
    pollSeconds: r.int(
      'ONRAMP_ACH_POLL_SECONDS',
      30,
      1,
      3600,
      "how often a worker reads Plaid's transfer event stream (/transfer/event/sync) when no TRANSFER_EVENTS_UPDATE webhook woke it sooner",
    ),
  };
}
