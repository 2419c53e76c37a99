// Production mode refuses webhook targets on loopback, private, link-local, multicast and metadata
// addresses — checked when the URL is registered (literal addresses) and again when each connection
// is made (names, which can resolve anywhere and change between the two).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type dns from 'node:dns';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { PRODUCTION_CHAIN_ENV } from '../../../test/chain-env.ts';
import { WebhookReceiver } from '../../../test/webhook-receiver.ts';
import { newPartner, publish, register, userOf } from '../../../test/webhooks.ts';
import { WebhookSender } from './sender.ts';
import { refusedAddress } from './targets.ts';

const PRODUCTION_ENV = {
  ONRAMP_MODE: 'production',
  ONRAMP_ENCRYPTION_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  ONRAMP_JWT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  // Required by production config; the test passes its own database handle.
  DATABASE_URL: 'postgres://unused.invalid/onramp',
  ONRAMP_PUBLIC_URL: 'https://onramp.example.com',
  ONRAMP_SMS_PROVIDER: 'twilio',
  ONRAMP_TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  ONRAMP_TWILIO_AUTH_TOKEN: 'unused',
  ONRAMP_TWILIO_FROM: '+12025550100',
  ONRAMP_EMAIL_PROVIDER: 'smtp',
  ONRAMP_SMTP_URL: 'smtp://unused.invalid:25',
  ONRAMP_WEBHOOK_SWEEP_INTERVAL_MS: '100',
  ONRAMP_WEBHOOK_TIMEOUT_MS: '2000',
  ...PRODUCTION_CHAIN_ENV,
};

/** A resolver that answers every name with `addresses` (what a hostile DNS server could do). */
function resolvesTo(...addresses: string[]): typeof dns.lookup {
  return ((_host: string, _opts: unknown, cb: (err: null, a: dns.LookupAddress[]) => void) =>
    cb(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    )) as unknown as typeof dns.lookup;
}

let t: TestApp;
let receiver: WebhookReceiver;
before(async () => {
  t = await startTestApp({ workers: true, env: PRODUCTION_ENV });
  receiver = await new WebhookReceiver().start();
});
after(async () => {
  await receiver?.stop();
  await t?.close();
});

describe('webhook targets in production mode', () => {
  it('refuses http and literal loopback or private addresses at registration', async () => {
    assert.equal(t.config.mode, 'production');
    const partner = await newPartner(t);
    for (const [url, rule] of [
      [receiver.url, /https:\/\//],
      [`https://127.0.0.1:${receiver.portNumber}/hooks`, /loopback/],
      ['https://[::1]/hooks', /loopback/],
      ['https://10.0.0.8/hooks', /private/],
      ['https://169.254.169.254/latest/meta-data/', /link-local or cloud metadata/],
      ['https://[::ffff:169.254.169.254]/', /link-local/],
      // IPv6 forms that carry an IPv4 address, and other special-purpose IPv6 ranges.
      ['https://[::7f00:1]/hooks', /IPv4-compatible/],
      ['https://[::a00:1]/hooks', /IPv4-compatible/],
      ['https://[::ffff:0:a9fe:a9fe]/hooks', /IPv4-translated/],
      ['https://[64:ff9b::a9fe:a9fe]/hooks', /NAT64/],
      ['https://[64:ff9b:1::a00:1]/hooks', /NAT64/],
      ['https://[2002:7f00:1::1]/hooks', /6to4/],
      ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hooks', /Teredo/],
      ['https://[fec0::1]/hooks', /site-local/],
      ['https://[fd12:3456::1]/hooks', /private/],
      ['https://[fe80::1]/hooks', /link-local/],
      ['https://[ff02::1]/hooks', /multicast/],
      ['https://100.100.100.200/latest/meta-data/', /private/],
      ['https://192.0.0.170/hooks', /reserved/],
      ['https://255.255.255.255/hooks', /broadcast/],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: partner.headers,
        payload: { url, events: ['KYC_UPDATED'] },
      });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().code, 'INVALID_URL');
      assert.match(res.json().message, rule);
    }
  });

  it('refuses, at connect time, a name that resolves to 127.0.0.1 — nothing reaches the receiver', async () => {
    const partner = await newPartner(t);
    // `localhost` is a name: it passes registration, and resolves to a loopback address.
    const hook = await register(t, partner, {
      url: `https://localhost:${receiver.portNumber}/hooks`,
      events: ['KYC_UPDATED'],
    });
    const user = await userOf(t, partner);
    await publish(t, user.id, 'KYC_UPDATED', { updateTime: new Date().toISOString() });
    const deadline = Date.now() + 20_000;
    let attempts: Array<{ error: string; statusCode?: number }> = [];
    while (attempts.length < 2) {
      if (Date.now() > deadline) throw new Error('no attempts recorded');
      await new Promise((r) => setTimeout(r, 100));
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/webhooks/${hook.id}/deliveries`,
        headers: partner.headers,
      });
      attempts = res.json().items[0]?.attempts ?? [];
    }
    assert.match(
      attempts[0]!.error,
      /localhost resolves to (127\.0\.0\.1|::1), a loopback address: webhooks are not sent there/,
    );
    assert.equal(attempts[0]!.statusCode, undefined);
    assert.equal(receiver.requests.length, 0);
  });

  it('checks every address a name resolves to: private, metadata, multicast and mapped loopback are refused', async () => {
    const policy = { httpsOnly: true, allowLoopback: false };
    for (const [addresses, reason] of [
      [['10.0.0.5'], /a private address/],
      [['93.184.215.14', '192.168.1.1'], /192\.168\.1\.1, a private address/],
      [['169.254.169.254'], /link-local or cloud metadata/],
      [['fd00:ec2::254'], /a private address/],
      [['::ffff:127.0.0.1'], /a loopback address/],
      [['::7f00:1'], /IPv4-compatible/],
      [['::ffff:0:a9fe:a9fe'], /IPv4-translated/],
      [['64:ff9b::a00:1'], /NAT64/],
      [['2001:0:4136:e378:8000:63bf:3fff:fdd2'], /Teredo/],
      [['2002:a00:1::1'], /6to4/],
      [['fec0::1'], /site-local/],
      [['239.1.2.3'], /multicast/],
      [['0.0.0.0'], /unspecified/],
    ] as const) {
      const sender = new WebhookSender({
        policy,
        timeoutMs: 2000,
        maxSocketsPerHost: 1,
        lookup: resolvesTo(...addresses),
      });
      const result = await sender.post('https://partner.example/hooks', '{}', {});
      sender.close();
      assert.equal(result.ok, false);
      assert.equal(result.statusCode, null);
      assert.match(result.error!, reason, addresses.join(','));
    }
  });

  it('classifies addresses with ipaddr.js: only global unicast passes in production; the sandbox adds loopback', () => {
    const production = { allowLoopback: false };
    const sandbox = { allowLoopback: true };
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.215.14']) {
      assert.equal(refusedAddress(address, production), undefined, address);
    }
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      assert.match(refusedAddress(address, production) ?? '', /loopback/, address);
      assert.equal(refusedAddress(address, sandbox), undefined, address);
    }
    for (const address of ['10.1.1.1', '::7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::1', 'fe80::1', 'not-an-ip']) {
      assert.ok(refusedAddress(address, sandbox), `${address} is refused in the sandbox too`);
    }
  });

  it('sandbox mode allows loopback receivers but still refuses private addresses', async () => {
    const sandbox = { httpsOnly: false, allowLoopback: true };
    const ok = new WebhookSender({
      policy: sandbox,
      timeoutMs: 2000,
      maxSocketsPerHost: 1,
      lookup: resolvesTo('127.0.0.1'),
    });
    const delivered = await ok.post(`http://receiver.test:${receiver.portNumber}/hooks`, '{"x":1}', {});
    ok.close();
    assert.equal(delivered.ok, true, delivered.error ?? '');
    assert.equal(receiver.requests.at(-1)?.raw, '{"x":1}');
    const refused = new WebhookSender({
      policy: sandbox,
      timeoutMs: 2000,
      maxSocketsPerHost: 1,
      lookup: resolvesTo('172.17.0.2'),
    });
    const result = await refused.post(`http://receiver.test:${receiver.portNumber}/hooks`, '{}', {});
    refused.close();
    assert.match(result.error!, /private address/);
  });
});
