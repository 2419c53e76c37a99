// Prices from Coinbase's public ticker: GET {baseUrl}/v2/prices/{ASSET}-USD/spot answers
// `{ "data": { "amount": "3012.45", "base": "ETH", "currency": "USD" } }`. No API key. Each request has
// a timeout; network errors, 429 and 5xx are retried a bounded number of times with backoff; anything
// else (or a malformed answer) is a PriceUnavailableError — never a guessed price.
import { parseDecimal, divRound, type UsdCents, usdCents } from '../../lib/money.ts';
import {
  PRICED_ASSETS,
  PriceUnavailableError,
  type PriceProvider,
  type PriceSnapshot,
  type PricedAsset,
} from './types.ts';

export interface CoinbaseOptions {
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  /** Wall time of the answer (the exchange's clock, not the sandbox's). */
  now?: () => Date;
}

/** Decimals kept from the exchange's amount before rounding to cents. */
const AMOUNT_DECIMALS = 12;

export class CoinbasePriceProvider implements PriceProvider {
  readonly name = 'coinbase';
  constructor(private readonly opts: CoinbaseOptions) {}

  async getPrices(): Promise<PriceSnapshot> {
    // allSettled: a failure is reported only once every request has ended, so none is left running.
    const results = await Promise.allSettled(PRICED_ASSETS.map((asset) => this.spot(asset)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const cents = Object.fromEntries(
      PRICED_ASSETS.map((asset, i) => [asset, (results[i] as PromiseFulfilledResult<UsdCents>).value]),
    );
    return {
      cents: cents as Record<PricedAsset, UsdCents>,
      at: (this.opts.now ?? (() => new Date()))(),
      source: this.name,
    };
  }

  private async spot(asset: PricedAsset): Promise<UsdCents> {
    const url = `${this.opts.baseUrl}/v2/prices/${asset}-USD/spot`;
    let lastError = '';
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(this.opts.timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        lastError =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${this.opts.timeoutMs} ms`
            : `request failed (${(error as Error).message})`;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel();
        lastError = `answered ${res.status}`;
        continue;
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new PriceUnavailableError(`${asset}-USD spot price: Coinbase answered ${res.status}`);
      }
      return parseSpot(asset, await res.text());
    }
    throw new PriceUnavailableError(
      `${asset}-USD spot price: Coinbase ${lastError} after ${this.opts.retries + 1} attempt(s)`,
    );
  }
}

function parseSpot(asset: PricedAsset, text: string): UsdCents {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PriceUnavailableError(`${asset}-USD spot price: Coinbase answered something that is not JSON`);
  }
  const data = (body as { data?: { amount?: unknown; base?: unknown; currency?: unknown } }).data;
  if (!data || data.base !== asset || data.currency !== 'USD' || typeof data.amount !== 'string') {
    throw new PriceUnavailableError(`${asset}-USD spot price: unexpected answer shape from Coinbase`);
  }
  const scaled = parseDecimal(data.amount.length > 40 ? 'x' : truncateFraction(data.amount), AMOUNT_DECIMALS);
  if (scaled === undefined || scaled === 0n)
    throw new PriceUnavailableError(
      `${asset}-USD spot price: Coinbase amount "${data.amount.slice(0, 40)}" is not a positive decimal`,
    );
  const cents = divRound(scaled, 10n ** BigInt(AMOUNT_DECIMALS - 2));
  if (cents === 0n) throw new PriceUnavailableError(`${asset}-USD spot price: below one cent`);
  return usdCents(cents);
}

function truncateFraction(amount: string): string {
  const [whole, fraction] = amount.split('.');
  return fraction === undefined ? amount : `${whole}.${fraction.slice(0, AMOUNT_DECIMALS)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
