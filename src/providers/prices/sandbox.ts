// Sandbox prices: fixed per asset (configurable), optionally moved by a seeded walk so partners can
// see prices change. Deterministic: the same seed, clock time and config always give the same prices,
// so tests and demos can assert exact amounts. USDC stays at its peg.
import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import { type UsdCents, usdCents } from '../../lib/money.ts';
import type { PriceProvider, PriceSnapshot, PricedAsset } from './types.ts';

export interface SandboxPricesOptions {
  /** Base prices, USD cents per whole unit. */
  cents: Record<PricedAsset, UsdCents>;
  /** Largest deviation of the walk from the base price, in basis points (0: fixed prices). */
  walkBps: number;
  /** The walk's seed. */
  walkSeed: string;
  /** The walk takes one step per this many seconds of (sandbox) clock time. */
  walkIntervalSeconds: number;
}

export class SandboxPriceProvider implements PriceProvider {
  readonly name = 'sandbox';
  constructor(
    private readonly opts: SandboxPricesOptions,
    private readonly clock: Clock,
  ) {}

  async getPrices(): Promise<PriceSnapshot> {
    const now = this.clock.now();
    const step = Math.floor(now.getTime() / 1000 / this.opts.walkIntervalSeconds);
    const cents = { ...this.opts.cents };
    if (this.opts.walkBps > 0) {
      for (const asset of ['ETH', 'POL'] as const) cents[asset] = this.walk(asset, cents[asset], step);
    }
    // Prices hold for the whole step, so `at` is the step's start: two reads in one step agree exactly.
    return { cents, at: new Date(step * this.opts.walkIntervalSeconds * 1000), source: this.name };
  }

  /** base × (1 + walkBps/10⁴ × u), u in [-1, 1] from a hash of (seed, asset, step): bounded, reproducible. */
  private walk(asset: PricedAsset, base: UsdCents, step: number): UsdCents {
    const digest = createHash('sha256').update(`${this.opts.walkSeed}:${asset}:${step}`).digest();
    const u = BigInt(digest.readUInt32BE(0)) - 2_147_483_648n; // [-2^31, 2^31)
    const deviation = (base * BigInt(this.opts.walkBps) * u) / (10_000n * 2_147_483_648n);
    const price = base + deviation;
    return usdCents(price > 0n ? price : 1n);
  }
}
