import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { CoinbasePriceProvider } from './coinbase.ts';
import { Prices } from './index.ts';
import { PriceUnavailableError } from './types.ts';

type Behaviour = (asset: string, attempt: number) => { status: number; body?: string } | 'hang';

// A local stand-in for api.coinbase.com's public spot ticker.
class TickerStandIn {
  readonly requests: string[] = [];
  behaviour: Behaviour = (asset) => ({
    status: 200,
    body: JSON.stringify({ data: { amount: AMOUNTS[asset], base: asset, currency: 'USD' } }),
  });
  private server = http.createServer((req, res) => {
    const m = /^\/v2\/prices\/([A-Z]+)-USD\/spot$/.exec(req.url ?? '');
    this.requests.push(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const attempt = this.requests.filter((u) => u === req.url).length;
    const answer = this.behaviour(m[1]!, attempt);
    if (answer === 'hang') return; // never answers
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '{}');
  });
  url = '';
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const AMOUNTS: Record<string, string> = { ETH: '3012.4567', USDC: '0.99985', POL: '0.2345' };

describe('Coinbase spot price adapter (against a local stand-in)', () => {
  const ticker = new TickerStandIn();
  before(() => ticker.start());
  after(() => ticker.stop());
  const provider = (opts: Partial<{ timeoutMs: number; retries: number }> = {}) =>
    new CoinbasePriceProvider({ baseUrl: ticker.url, timeoutMs: 2000, retries: 2, ...opts });

  it("reads every asset's spot price, rounded half up to the cent", async () => {
    ticker.requests.length = 0;
    const snapshot = await provider().getPrices();
    assert.deepEqual(snapshot.cents, { ETH: 301246n, USDC: 100n, POL: 23n });
    assert.equal(snapshot.source, 'coinbase');
    assert.deepEqual([...ticker.requests].sort(), [
      '/v2/prices/ETH-USD/spot',
      '/v2/prices/POL-USD/spot',
      '/v2/prices/USDC-USD/spot',
    ]);
  });

  it('retries 5xx and 429 a bounded number of times', async () => {
    ticker.requests.length = 0;
    ticker.behaviour = (asset, attempt) =>
      attempt === 1
        ? { status: 503 }
        : attempt === 2
          ? { status: 429 }
          : { status: 200, body: JSON.stringify({ data: { amount: AMOUNTS[asset], base: asset, currency: 'USD' } }) };
    assert.equal((await provider({ retries: 2 }).getPrices()).cents.ETH, 301246n);
    assert.equal(ticker.requests.length, 9);

    ticker.requests.length = 0;
    ticker.behaviour = () => ({ status: 500 });
    await assert.rejects(
      provider({ retries: 1 }).getPrices(),
      (e: unknown) => e instanceof PriceUnavailableError && /answered 500 after 2 attempt/.test(e.message),
    );
    assert.equal(ticker.requests.length, 6, 'two attempts per asset, no more');
  });

  it('gives up on a silent server after the timeout, and does not retry a 404', async () => {
    ticker.requests.length = 0;
    ticker.behaviour = () => 'hang';
    const started = Date.now();
    await assert.rejects(
      provider({ timeoutMs: 150, retries: 1 }).getPrices(),
      (e: unknown) => e instanceof PriceUnavailableError && /no answer within 150 ms/.test(e.message),
    );
    assert.ok(Date.now() - started < 5000);
    assert.equal(ticker.requests.length, 6);

    ticker.requests.length = 0;
    ticker.behaviour = () => ({ status: 404 });
    await assert.rejects(provider({ retries: 2 }).getPrices(), /answered 404/);
    assert.equal(ticker.requests.length, 3);
  });

  it('refuses answers that are not a positive decimal price in USD for the asset', async () => {
    for (const body of [
      'not json',
      '{}',
      '{"data":{"amount":"-1","base":"ETH","currency":"USD"}}',
      '{"data":{"amount":"1e3","base":"ETH","currency":"USD"}}',
      '{"data":{"amount":"0","base":"ETH","currency":"USD"}}',
      '{"data":{"amount":"3000","base":"BTC","currency":"USD"}}',
      '{"data":{"amount":"3000","base":"ETH","currency":"EUR"}}',
      '{"data":{"amount":3000,"base":"ETH","currency":"USD"}}',
    ]) {
      ticker.behaviour = (asset) =>
        asset === 'ETH'
          ? { status: 200, body }
          : { status: 200, body: JSON.stringify({ data: { amount: '1', base: asset, currency: 'USD' } }) };
      await assert.rejects(
        provider({ retries: 0 }).getPrices(),
        (e: unknown) => e instanceof PriceUnavailableError,
        body,
      );
    }
  });

  it('caches answers and collapses concurrent reads into one request per asset', async () => {
    ticker.requests.length = 0;
    ticker.behaviour = (asset) => ({
      status: 200,
      body: JSON.stringify({ data: { amount: AMOUNTS[asset], base: asset, currency: 'USD' } }),
    });
    const prices = new Prices(provider(), 60_000);
    await Promise.all([prices.getPrices(), prices.getPrices(), prices.getPrices()]);
    await prices.getPrices();
    assert.equal(ticker.requests.length, 3);
  });
});

describe('GET /v1/crypto/prices with the Coinbase provider', () => {
  const ticker = new TickerStandIn();
  let t: TestApp;
  before(async () => {
    await ticker.start();
    t = await startTestApp({
      env: {
        ONRAMP_PRICE_PROVIDER: 'coinbase',
        ONRAMP_COINBASE_BASE_URL: ticker.url,
        ONRAMP_PRICE_CACHE_MS: '0',
        ONRAMP_PRICE_TIMEOUT_MS: '5000',
        ONRAMP_PRICE_RETRIES: '0',
      },
    });
  });
  after(async () => {
    await t.close();
    await ticker.stop();
  });

  it("serves the exchange's prices, and 503 (not a made-up price) when the exchange is down", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/crypto/prices?includeNetworkFees=false',
      headers: t.clientHeaders,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json().prices.map((p: { price: string }) => p.price),
      ['3012.46', '1.00', '1.00'],
    );
    assert.equal(res.json().priceSource, 'coinbase');

    ticker.behaviour = () => ({ status: 502 });
    const down = await t.app.inject({ method: 'GET', url: '/v1/crypto/prices', headers: t.clientHeaders });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().code, 'SERVICE_UNAVAILABLE');
    const estimate = await t.app.inject({
      method: 'POST',
      url: '/v1/crypto/estimates:ach',
      headers: t.clientHeaders,
      payload: { fiatAmount: '100', type: 'INSTANT', cryptoCurrency: 'ETH' },
    });
    assert.equal(estimate.statusCode, 503);
  });
});
