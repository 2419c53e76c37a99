import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { ManualClock } from '../../lib/clock.ts';

const ETH_PRICE_CENTS = 191054n; // the docs' example price, $1910.54
const WEI = 10n ** 18n;

describe('prices and ACH estimates', () => {
  let t: TestApp;
  let gasEth: bigint;
  let gasPolygon: bigint;
  before(async () => {
    t = await startTestApp({ env: { ONRAMP_SANDBOX_PRICE_ETH_USD: '1910.54', ONRAMP_SANDBOX_PRICE_POL_USD: '0.40' } });
    gasEth = await t.ctx.chains.publicClient('ETHEREUM').getGasPrice();
    gasPolygon = await t.ctx.chains.publicClient('POLYGON').getGasPrice();
  });
  after(() => t.close());

  const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
  const ethNetworkFeeCents = () => ceilDiv(21_000n * gasEth * ETH_PRICE_CENTS, WEI);
  const usdcEthNetworkFeeCents = () => ceilDiv(65_000n * gasEth * ETH_PRICE_CENTS, WEI);
  const polygonNetworkFeeCents = () => ceilDiv(65_000n * gasPolygon * 40n, WEI);
  const usd = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;

  const estimate = (body: Record<string, unknown>, headers = t.clientHeaders) =>
    t.app.inject({ method: 'POST', url: '/v1/crypto/estimates:ach', headers, payload: body });

  it("lists prices and network fees computed from the chains' gas prices", async () => {
    assert.ok(gasEth > 0n && gasPolygon > 0n);
    const res = await t.app.inject({ method: 'GET', url: '/v1/crypto/prices', headers: t.clientHeaders });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.prices, [
      { cryptoCurrency: 'ETH', fiatCurrency: 'USD', price: '1910.54' },
      { cryptoCurrency: 'USDC_ETHEREUM', fiatCurrency: 'USD', price: '1.00' },
      { cryptoCurrency: 'USDC_POLYGON', fiatCurrency: 'USD', price: '1.00' },
    ]);
    const eth = body.networkFees.find((f: { cryptoCurrency: string }) => f.cryptoCurrency === 'ETH');
    assert.equal(eth.fiatFee, usd(ethNetworkFeeCents()));
    assert.equal(
      BigInt(eth.cryptoFee.replace('.', '').replace(/^0+/, '')) *
        10n ** BigInt(18 - (eth.cryptoFee.split('.')[1]?.length ?? 0)),
      21_000n * gasEth,
    );
    const usdcEth = body.networkFees.find((f: { cryptoCurrency: string }) => f.cryptoCurrency === 'USDC_ETHEREUM');
    assert.equal(usdcEth.fiatFee, usd(usdcEthNetworkFeeCents()));
    assert.equal(body.priceSource, 'sandbox');
    assert.ok(!Number.isNaN(Date.parse(body.priceTime)));

    const some = await t.app.inject({
      method: 'GET',
      url: '/v1/crypto/prices?cryptoCurrencies=USDC_POLYGON&fiatCurrency=USD&includeNetworkFees=false',
      headers: t.clientHeaders,
    });
    assert.deepEqual(some.json().prices, [{ cryptoCurrency: 'USDC_POLYGON', fiatCurrency: 'USD', price: '1.00' }]);
    assert.deepEqual(some.json().networkFees, []);
  });

  it('refuses unknown currencies, other fiat currencies and calls without client credentials', async () => {
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v1/crypto/prices?cryptoCurrencies=ETH,DOGE',
      headers: t.clientHeaders,
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_CRYPTO_CURRENCY');
    assert.match(bad.json().message, /DOGE/);
    const eur = await t.app.inject({
      method: 'GET',
      url: '/v1/crypto/prices?fiatCurrency=EUR',
      headers: t.clientHeaders,
    });
    assert.equal(eur.json().code, 'INVALID_FIAT_CURRENCY');
    const anon = await t.app.inject({ method: 'GET', url: '/v1/crypto/prices' });
    assert.equal(anon.statusCode, 401);
    assert.equal((await estimate({ fiatAmount: '100', type: 'INSTANT', cryptoCurrency: 'ETH' }, {})).statusCode, 401);
  });

  it("estimates top-down as the docs' example: 3% fee and the network fee come out of the fiat amount", async () => {
    const res = await estimate({ fiatAmount: '100', type: 'INSTANT', cryptoCurrency: 'ETH' });
    assert.equal(res.statusCode, 200, res.body);
    const networkFee = ethNetworkFeeCents();
    const expectedWei = ((10_000n - 300n - networkFee) * WEI) / ETH_PRICE_CENTS;
    assert.deepEqual(res.json(), {
      fiat: { currency: 'USD', amount: '100.00', direction: 'CREDIT', fundingMethod: 'ACH_ORIGINATED_INSTANT' },
      crypto: {
        currency: 'ETH',
        direction: 'DEBIT',
        amount: formatWei(expectedWei),
        price: '1910.54',
        ratioFee: '3.00',
        networkFee: usd(networkFee),
      },
    });

    const standard = await estimate({ fiatAmount: '100', type: 'STANDARD', cryptoCurrency: 'USDC_POLYGON' });
    assert.equal(standard.statusCode, 200, standard.body);
    assert.equal(standard.json().crypto.ratioFee, '0.00');
    assert.equal(standard.json().fiat.fundingMethod, 'ACH_ORIGINATED_STANDARD');
    const polygonFee = polygonNetworkFeeCents();
    assert.equal(standard.json().crypto.networkFee, usd(polygonFee));
    const micro = ((10_000n - polygonFee) * 10n ** 6n) / 100n;
    assert.equal(standard.json().crypto.amount, (Number(micro) / 1e6).toString());
  });

  it('estimates bottom-up: the least fiat amount that buys at least minCryptoAmount after fees', async () => {
    for (const [currency, min, type] of [
      ['ETH', '0.05', 'INSTANT'],
      ['USDC_ETHEREUM', '250.123456', 'INSTANT'],
      ['USDC_POLYGON', '3', 'STANDARD'],
    ] as const) {
      const res = await estimate({ minCryptoAmount: min, type, cryptoCurrency: currency });
      assert.equal(res.statusCode, 200, res.body);
      const { fiat, crypto } = res.json();
      const decimals = currency === 'ETH' ? 18 : 6;
      assert.ok(toMinor(crypto.amount, decimals) >= toMinor(min, decimals), `${currency}: ${crypto.amount} >= ${min}`);
      // One cent less does not buy the minimum.
      const less = (toMinor(fiat.amount, 2) - 1n).toString();
      const lower = await estimate({
        fiatAmount: `${less.slice(0, -2) || '0'}.${less.slice(-2).padStart(2, '0')}`,
        type,
        cryptoCurrency: currency,
      });
      assert.equal(lower.statusCode, 200, lower.body);
      assert.ok(
        toMinor(lower.json().crypto.amount, decimals) < toMinor(min, decimals),
        `${currency}: one cent less buys less`,
      );
    }
  });

  it('enforces the network minimums ($20 Ethereum, $1 Polygon) with INVALID_FIAT_AMOUNT naming the minimum', async () => {
    const low = await estimate({ fiatAmount: '19.99', type: 'STANDARD', cryptoCurrency: 'USDC_ETHEREUM' });
    assert.equal(low.statusCode, 400);
    assert.equal(low.json().code, 'INVALID_FIAT_AMOUNT');
    assert.deepEqual(
      [low.json().data.rule, low.json().data.minimumFiatAmount, low.json().data.network],
      ['minimum', '20.00', 'ETHEREUM'],
    );
    assert.equal(
      (await estimate({ fiatAmount: '20', type: 'STANDARD', cryptoCurrency: 'USDC_ETHEREUM' })).statusCode,
      200,
    );
    assert.equal(
      (await estimate({ fiatAmount: '1', type: 'STANDARD', cryptoCurrency: 'USDC_POLYGON' })).statusCode,
      200,
    );
    const poly = await estimate({ fiatAmount: '0.99', type: 'INSTANT', cryptoCurrency: 'USDC_POLYGON' });
    assert.equal(poly.json().code, 'INVALID_FIAT_AMOUNT');
    assert.equal(poly.json().data.minimumFiatAmount, '1.00');
    const tiny = await estimate({ minCryptoAmount: '0.000001', type: 'INSTANT', cryptoCurrency: 'ETH' });
    assert.equal(tiny.statusCode, 400);
    assert.equal(tiny.json().code, 'INVALID_CRYPTO_AMOUNT');
    assert.equal(tiny.json().data.rule, 'minimum');
  });

  it('parses amounts strictly and names the field', async () => {
    for (const fiatAmount of [
      '1e2',
      '-50',
      '+50',
      '50.001',
      ' 50',
      '50 ',
      '50.',
      '.5',
      '',
      'abc',
      '1,000',
      '0x10',
      '٥٠',
      '9'.repeat(70),
    ]) {
      const res = await estimate({ fiatAmount, type: 'INSTANT', cryptoCurrency: 'ETH' });
      assert.equal(res.statusCode, 400, fiatAmount);
      assert.equal(res.json().code, 'INVALID_FIAT_AMOUNT', fiatAmount);
      assert.equal(res.json().data.field, 'fiatAmount');
    }
    const number = await estimate({ fiatAmount: 100, type: 'INSTANT', cryptoCurrency: 'ETH' });
    assert.equal(number.statusCode, 400);
    assert.equal(number.json().code, 'INVALID_FIAT_AMOUNT');
    for (const [currency, min] of [
      ['USDC_POLYGON', '1.0000001'],
      ['ETH', '0.0000000000000000001'],
      ['ETH', '0'],
      ['ETH', '1E-3'],
      ['USDC_ETHEREUM', '-1'],
    ] as const) {
      const res = await estimate({ minCryptoAmount: min, type: 'INSTANT', cryptoCurrency: currency });
      assert.equal(res.statusCode, 400, min);
      assert.equal(res.json().code, 'INVALID_CRYPTO_AMOUNT', min);
      assert.equal(res.json().data.field, 'minCryptoAmount');
    }
    // The asset's own decimals are allowed: 18 for ETH, 6 for USDC.
    assert.equal(
      (await estimate({ minCryptoAmount: '0.020000000000000001', type: 'INSTANT', cryptoCurrency: 'ETH' })).statusCode,
      200,
    );
    assert.equal(
      (await estimate({ minCryptoAmount: '25.000001', type: 'INSTANT', cryptoCurrency: 'USDC_POLYGON' })).statusCode,
      200,
    );
  });

  it('requires exactly one of fiatAmount and minCryptoAmount, and a known currency and type', async () => {
    const both = await estimate({ fiatAmount: '100', minCryptoAmount: '1', type: 'INSTANT', cryptoCurrency: 'ETH' });
    assert.equal(both.statusCode, 400);
    assert.equal(both.json().code, 'INVALID_BODY');
    assert.deepEqual(both.json().data.fields, ['fiatAmount', 'minCryptoAmount']);
    const neither = await estimate({ type: 'INSTANT', cryptoCurrency: 'ETH' });
    assert.equal(neither.statusCode, 400);
    assert.equal(neither.json().code, 'MISSING_FIAT_AMOUNT');
    assert.equal(
      (await estimate({ fiatAmount: '100', type: 'INSTANT', cryptoCurrency: 'BTC' })).json().code,
      'INVALID_CRYPTO_CURRENCY',
    );
    assert.equal((await estimate({ fiatAmount: '100', type: 'INSTANT' })).json().code, 'MISSING_CRYPTO_CURRENCY');
    assert.equal(
      (await estimate({ fiatAmount: '100', type: 'WIRE', cryptoCurrency: 'ETH' })).json().code,
      'INVALID_TYPE',
    );
    assert.equal((await estimate({ fiatAmount: '100', cryptoCurrency: 'ETH' })).json().code, 'MISSING_TYPE');
    const extra = await estimate({ fiatAmount: '100', type: 'INSTANT', cryptoCurrency: 'ETH', walletId: 'x' });
    assert.equal(extra.json().code, 'INVALID_BODY');
    assert.equal(extra.json().data.field, 'walletId');
  });
});

describe('configured fees and the sandbox price walk', () => {
  const clock = new ManualClock('2026-03-02T15:00:00Z');
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      clock,
      env: {
        ONRAMP_FEE_INSTANT_BPS: '250',
        ONRAMP_FEE_STANDARD_BPS: '100',
        ONRAMP_SANDBOX_PRICE_WALK_BPS: '500',
        ONRAMP_SANDBOX_PRICE_WALK_SEED: 'seed-1',
        ONRAMP_SANDBOX_PRICE_WALK_INTERVAL_SECONDS: '60',
      },
    });
  });
  after(() => t.close());

  it('charges the configured fee rates', async () => {
    const instant = await t.app.inject({
      method: 'POST',
      url: '/v1/crypto/estimates:ach',
      headers: t.clientHeaders,
      payload: { fiatAmount: '200', type: 'INSTANT', cryptoCurrency: 'USDC_POLYGON' },
    });
    assert.equal(instant.json().crypto.ratioFee, '5.00');
    const standard = await t.app.inject({
      method: 'POST',
      url: '/v1/crypto/estimates:ach',
      headers: t.clientHeaders,
      payload: { fiatAmount: '200', type: 'STANDARD', cryptoCurrency: 'USDC_POLYGON' },
    });
    assert.equal(standard.json().crypto.ratioFee, '2.00');
  });

  it('walks ETH within the configured bound, the same within a step, reproducibly, with USDC pegged', async () => {
    const read = async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/crypto/prices?includeNetworkFees=false',
        headers: t.clientHeaders,
      });
      return Object.fromEntries(
        res.json().prices.map((p: { cryptoCurrency: string; price: string }) => [p.cryptoCurrency, p.price]),
      ) as Record<string, string>;
    };
    const seen = new Set<string>();
    for (let step = 0; step < 8; step++) {
      const first = await read();
      clock.advance(30_000);
      assert.deepEqual(await read(), first, 'same price within one step');
      clock.advance(30_000);
      const eth = Number(first.ETH);
      assert.ok(eth >= 1900 && eth <= 2100, `ETH ${eth} within 5% of 2000`);
      assert.equal(first.USDC_ETHEREUM, '1.00');
      seen.add(first.ETH!);
    }
    assert.ok(seen.size > 1, 'the price moves between steps');
    // Another provider with the same seed and time gives the same price.
    const { SandboxPriceProvider } = await import('../../providers/prices/sandbox.ts');
    const twin = new SandboxPriceProvider(t.config.prices.sandbox, clock);
    const snapshot = await twin.getPrices();
    assert.equal(
      `${snapshot.cents.ETH / 100n}.${(snapshot.cents.ETH % 100n).toString().padStart(2, '0')}`,
      (await read()).ETH,
    );
  });
});

function toMinor(text: string, decimals: number): bigint {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}

function formatWei(wei: bigint): string {
  const fraction = (wei % WEI).toString().padStart(18, '0').replace(/0+$/, '');
  return `${wei / WEI}${fraction ? `.${fraction}` : ''}`;
}
