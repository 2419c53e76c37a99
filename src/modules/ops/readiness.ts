// Readiness beyond the database: `/readyz?full=1` asks every external provider whether it answers
// (chain RPC endpoints, Plaid, SMS, email, the price ticker), each bounded by ONRAMP_READINESS_TIMEOUT_MS,
// all at once. Plain `/readyz` stays cheap (database and migrations only), because a load balancer
// polls it and an outage of Plaid must not take the whole API out of rotation.
//
// Modules add their own checks with ctx.readiness.add(name, check) (e.g. an ACH originator); a check
// resolves with a short detail ("sandbox", "chain 1") or throws with what is wrong.
import type { AppContext } from '../../context.ts';
import { NETWORKS } from '../../chains/networks.ts';
import { plaidErrorOf } from '../../providers/plaid/index.ts';

const REUSE_MS = 5_000;

export type ReadinessCheck = (signal: AbortSignal) => Promise<string | undefined>;

export interface CheckResult {
  ok: boolean;
  /** `ok`, `ok (detail)` or `failed: reason`. */
  text: string;
  ms: number;
}

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(private readonly timeoutMs: number) {}

  add(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`readiness check ${name} added twice`);
    this.checks.set(name, check);
  }

  get names(): string[] {
    return [...this.checks.keys()];
  }

  private last: { at: number; results: Promise<Record<string, CheckResult>> } | undefined;

  /**
   * Every check at once, each given at most the timeout. Requests within REUSE_MS share one run, so
   * polling `?full=1` cannot turn into a stream of calls to Twilio, Plaid or the mail server.
   */
  runAll(): Promise<Record<string, CheckResult>> {
    const now = performance.now();
    if (this.last && now - this.last.at < REUSE_MS) return this.last.results;
    const results = Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.runOne(check)] as const),
    ).then(Object.fromEntries);
    this.last = { at: now, results };
    return results;
  }

  private async runOne(check: ReadinessCheck): Promise<CheckResult> {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      const detail = await Promise.race([check(controller.signal), timeout]);
      return { ok: true, text: detail ? `ok (${detail})` : 'ok', ms: elapsed(started) };
    } catch (error) {
      return { ok: false, text: `failed: ${(error as Error).message}`, ms: elapsed(started) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/** The checks of the providers every onramp process uses: chains, Plaid, SMS, email, prices. */
export function addProviderChecks(ctx: AppContext): void {
  const { readiness } = ctx;
  for (const network of NETWORKS) {
    readiness.add(`chain:${network}`, async () => {
      const served = await ctx.chains.publicClient(network).getChainId();
      const wanted = ctx.chains.chainId(network);
      if (served !== wanted) throw new Error(`the endpoint serves chain ${served}, configured ${wanted}`);
      return `chain ${served}`;
    });
  }
  readiness.add('plaid', () => probePlaid(ctx));
  readiness.add('sms', async (signal) => {
    const { sms } = ctx.messaging;
    if (!sms.probe) return `${sms.name}: nothing to reach`;
    await sms.probe(signal);
    return sms.name;
  });
  readiness.add('email', async (signal) => {
    const { email } = ctx.messaging;
    if (!email.probe) return `${email.name}: nothing to reach`;
    await email.probe(signal);
    return email.name;
  });
  readiness.add('prices', async () => (await ctx.prices.getPrices()).source);
}

/**
 * Plaid has no health endpoint; asking for a webhook verification key that does not exist reaches it,
 * checks the API keys and changes nothing: INVALID_WEBHOOK_VERIFICATION_KEY_ID means both are fine.
 */
async function probePlaid(ctx: AppContext): Promise<string> {
  const environment = ctx.plaid.environment === 'builtin' ? 'built-in sandbox' : 'Plaid';
  try {
    await ctx.plaid.api().webhookVerificationKeyGet({ key_id: 'onramp-readiness-probe' });
    return environment;
  } catch (error) {
    const plaid = plaidErrorOf(error);
    if (plaid?.error_code === 'INVALID_WEBHOOK_VERIFICATION_KEY_ID') return environment;
    if (plaid) throw new Error(`${environment} answered ${plaid.error_type} ${plaid.error_code}`);
    throw new Error(`${environment} could not be reached: ${(error as Error).message}`);
  }
}
