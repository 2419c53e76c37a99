// The SDK's hand-written layer against a real server over HTTP: sign-in with a viem account and with
// an EIP-1193 provider, the refreshed JWT, Idempotency-Keys and which requests are retried (faults are
// injected between the SDK and the server: a lost answer, a 503, a dead network), typed errors, and
// webhook verification with both signature schemes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Onramp,
  OnrampConnectionError,
  OnrampError,
  SANDBOX,
  verifyWebhook,
  WebhookVerificationError,
  type Eip1193Provider,
} from 'onramp-sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { ManualClock } from '../src/lib/clock.ts';
import { newWebhookSecret, signatureHeaders } from '../src/modules/webhooks/signing.ts';
import { testEmail, testPhone } from './auth.ts';
import { baseUrl, startTestApp, type TestApp } from './helpers.ts';

interface Seen {
  method: string;
  path: string;
  idempotencyKey: string | null;
  authorization: string | null;
}

describe('onramp-sdk against a sandbox server', () => {
  let t: TestApp;
  const clock = new ManualClock();
  before(async () => {
    t = await startTestApp({ listen: true, clock });
  });
  after(() => t.close());

  /** A client whose requests are recorded; `fault` may replace or follow any request. */
  function client(fault?: (request: Request, attempt: number) => Promise<Response | undefined>) {
    const seen: Seen[] = [];
    const attempts = new Map<string, number>();
    const onramp = new Onramp({
      baseUrl: baseUrl(t),
      clientId: t.client.id,
      clientSecret: t.client.secret,
      retry: { baseDelayMs: 1, maxDelayMs: 2000 },
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const url = new URL(request.url);
        seen.push({
          method: request.method,
          path: url.pathname,
          idempotencyKey: request.headers.get('idempotency-key'),
          authorization: request.headers.get('authorization'),
        });
        const key = `${request.method} ${url.pathname}`;
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        return (await fault?.(request.clone(), attempt)) ?? fetch(request);
      },
    });
    return { onramp, seen };
  }

  async function signedInUser(onramp: Onramp) {
    await onramp.signInWithWallet(privateKeyToAccount(generatePrivateKey()));
    const phone = testPhone();
    const { phoneId } = await onramp.api.sendSmsOtp({ body: { phoneNumber: phone } });
    await onramp.api.authenticateSmsOtp({ body: { phoneId, otp: SANDBOX.magicOtp } });
    const body = {
      firstName: 'Dylan',
      lastName: 'Smith',
      email: testEmail(),
      country: 'US',
      phone,
      acceptedTerms: true,
    };
    return onramp.api.createUser({ body });
  }

  it('signs in with a viem account and keeps the session JWT for the next factor and the user calls', async () => {
    const { onramp, seen } = client();
    const user = await signedInUser(onramp);
    assert.ok(onramp.sessionJwt);
    assert.equal(user.wallets.length, 1);
    const me = await onramp.api.getUser({ path: { userId: user.id } });
    assert.equal(me.id, user.id);
    const bearer = seen.filter((s) => s.authorization).map((s) => s.path);
    assert.ok(bearer.includes('/v1/auth/otp/sms:send') && bearer.includes(`/v1/users/${user.id}`));
    assert.equal(seen[0]!.authorization, null, 'no bearer before the first factor');
  });

  it('signs in with an EIP-1193 provider (eth_requestAccounts + personal_sign of the hex challenge)', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const calls: string[] = [];
    const provider: Eip1193Provider = {
      async request({ method, params }) {
        calls.push(method);
        if (method === 'eth_requestAccounts') return [account.address];
        if (method === 'personal_sign') {
          const [data, from] = params as [`0x${string}`, string];
          assert.equal(from, account.address);
          return account.signMessage({ message: { raw: data } });
        }
        throw new Error(`unexpected ${method}`);
      },
    };
    const { onramp } = client();
    const answer = await onramp.signInWithWallet(provider);
    assert.ok(answer.sessionJwt);
    assert.equal(onramp.sessionJwt, answer.sessionJwt);
    assert.deepEqual(calls, ['eth_requestAccounts', 'personal_sign']);
  });

  it('switches to the JWT in ratio-authentication-refresh, and tells onSessionJwt', async () => {
    const { onramp } = client();
    const user = await signedInUser(onramp);
    const first = onramp.sessionJwt;
    clock.advance(200_000); // into the last two minutes of the JWT's five
    await onramp.api.getUser({ path: { userId: user.id } });
    const refreshed = onramp.sessionJwt;
    assert.ok(refreshed && refreshed !== first, 'a fresh JWT');
    clock.advance(200_000); // the first JWT has expired; the session lives on through the fresh one
    assert.equal((await onramp.api.getUser({ path: { userId: user.id } })).id, user.id);
    const kept: Array<string | undefined> = [];
    const persisted = new Onramp({
      baseUrl: baseUrl(t),
      clientId: t.client.id,
      clientSecret: t.client.secret,
      onSessionJwt: (jwt) => kept.push(jwt),
    });
    await persisted.signInWithWallet(privateKeyToAccount(generatePrivateKey()));
    await persisted.api.signOut();
    assert.equal(kept.length, 2);
    assert.equal(kept[1], undefined, 'signing out forgets the JWT');
  });

  it('sends an Idempotency-Key on the writes that honour one, never on reads, and keeps a key it is given', async () => {
    const { onramp, seen } = client();
    const user = await signedInUser(onramp);
    await onramp.api.getUser({ path: { userId: user.id } });
    await onramp.api.createWebhook({
      body: { url: `${baseUrl(t)}/sandbox/webhooks/receiver/${t.client.id}`, events: ['KYC_UPDATED'] },
      headers: { 'Idempotency-Key': 'my-own-key-1' },
    });
    const key = (path: string, method = 'POST') =>
      seen.find((s) => s.path === path && s.method === method)?.idempotencyKey;
    assert.match(key('/v1/users') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(key('/v1/auth/otp/sms:send'), null, 'sending a code does not honour a key');
    assert.equal(key(`/v1/users/${user.id}`, 'GET'), null);
    assert.equal(key('/v1/webhooks'), 'my-own-key-1');
  });

  it('retries a keyed write whose answer was lost with the same key: the server replays, nothing is done twice', async () => {
    const { onramp, seen } = client(async (request, attempt) => {
      if (request.method === 'POST' && new URL(request.url).pathname === '/v1/webhooks' && attempt === 1) {
        await fetch(request); // the server does it …
        throw new TypeError('fetch failed: socket hang up'); // … and the answer never arrives
      }
      return undefined;
    });
    const before = (await onramp.api.listWebhooks()).items.length;
    const hook = await onramp.api.createWebhook({
      body: { url: `${baseUrl(t)}/sandbox/webhooks/receiver/${t.client.id}`, events: ['BANK_UPDATED'] },
    });
    const posts = seen.filter((s) => s.method === 'POST' && s.path === '/v1/webhooks');
    assert.equal(posts.length, 2);
    assert.equal(posts[0]!.idempotencyKey, posts[1]!.idempotencyKey);
    const after = (await onramp.api.listWebhooks()).items;
    assert.equal(after.length, before + 1, 'one webhook, not two');
    assert.ok(after.some((w) => w.id === hook.id));
  });

  it('does not retry a write the server does not key, retries reads, and gives up after the bound', async () => {
    const dead = client(async (request) => {
      if (new URL(request.url).pathname === '/v1/auth/otp/sms:send') throw new TypeError('fetch failed: ECONNRESET');
      return undefined;
    });
    await assert.rejects(dead.onramp.api.sendSmsOtp({ body: { phoneNumber: testPhone() } }), (error: unknown) => {
      assert.ok(error instanceof OnrampConnectionError, String(error));
      return true;
    });
    assert.equal(
      dead.seen.filter((s) => s.path === '/v1/auth/otp/sms:send').length,
      1,
      'sent once: a retry could send two codes',
    );

    const flaky = client(async (_request, attempt) =>
      attempt === 1 ? new Response('{"code":"SERVICE_UNAVAILABLE","message":"x"}', { status: 503 }) : undefined,
    );
    assert.equal((await flaky.onramp.api.getConfig()).mode, 'sandbox');
    assert.equal(flaky.seen.length, 2, 'a read is retried after a 503');

    const down = client(
      async () =>
        new Response('{"code":"SERVICE_UNAVAILABLE","message":"down","data":{}}', {
          status: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '0', 'x-request-id': 'req-down' },
        }),
    );
    await assert.rejects(down.onramp.api.getConfig(), (error: unknown) => {
      assert.ok(error instanceof OnrampError);
      assert.equal(error.status, 503);
      assert.equal(error.requestId, 'req-down');
      return true;
    });
    assert.equal(down.seen.length, 3, 'the first attempt and two retries, then the error');

    const limited = client(async (_request, attempt) =>
      attempt === 1
        ? new Response('{"code":"RATE_LIMITED","message":"slow down","data":{}}', {
            status: 429,
            headers: { 'retry-after': '1' },
          })
        : undefined,
    );
    const { phoneId } = await limited.onramp.api.sendSmsOtp({ body: { phoneNumber: testPhone() } });
    assert.ok(phoneId, 'a 429 is retried after Retry-After even for an unkeyed write: the server did nothing');
    const tooLong = client(
      async () =>
        new Response('{"code":"RATE_LIMITED","message":"later","data":{}}', {
          status: 429,
          headers: { 'retry-after': '3600' },
        }),
    );
    await assert.rejects(tooLong.onramp.api.getConfig(), (error: unknown) => {
      assert.ok(error instanceof OnrampError);
      assert.equal(error.retryAfterSeconds, 3600);
      return true;
    });
    assert.equal(tooLong.seen.length, 1, 'a Retry-After beyond maxDelayMs is not waited for');
  });

  it('throws OnrampError with the code, message, data, status and request id of the answer', async () => {
    const { onramp } = client();
    await onramp.signInWithWallet(privateKeyToAccount(generatePrivateKey()));
    const phone = testPhone();
    const { phoneId } = await onramp.api.sendSmsOtp({ body: { phoneNumber: phone } });
    await onramp.api.authenticateSmsOtp({ body: { phoneId, otp: SANDBOX.magicOtp } });
    await assert.rejects(
      onramp.api.createUser({ body: { lastName: 'Smith', country: 'US', phone, acceptedTerms: true } as never }),
      (error: unknown) => {
        assert.ok(error instanceof OnrampError);
        assert.equal(error.status, 400);
        assert.equal(error.code, 'MISSING_FIRST_NAME');
        assert.equal(error.data.field, 'firstName');
        assert.match(error.message, /firstName/);
        assert.ok(error.requestId);
        return true;
      },
    );
  });
});

describe('verifyWebhook', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ userId: 'u1', event: 'KYC_UPDATED', id: 'evt_1', data: { status: 'APPROVED' } });
  const now = new Date('2026-03-02T15:00:00Z');
  const ts = Math.floor(now.getTime() / 1000);
  const headers = signatureHeaders([secret], 'evt_1', ts, body);

  it('accepts both schemes over the raw body and returns the typed event', async () => {
    const event = await verifyWebhook(body, headers, secret, { now });
    assert.equal(event.event, 'KYC_UPDATED');
    if (event.event === 'KYC_UPDATED') assert.equal(event.data.status, 'APPROVED');
    assert.ok(await verifyWebhook(new TextEncoder().encode(body), new Headers(headers), secret, { now }));
  });

  it('accepts either scheme alone, and a rotation (two signatures, either secret)', async () => {
    const { 'ratio-webhook-signature': _r, 'ratio-webhook-signature-timestamp': _t, ...standardOnly } = headers;
    assert.ok(await verifyWebhook(body, standardOnly, secret, { now }));
    const ratioOnly = {
      'ratio-webhook-signature': headers['ratio-webhook-signature']!,
      'ratio-webhook-signature-timestamp': String(ts),
    };
    assert.ok(await verifyWebhook(body, ratioOnly, secret, { now }));
    const old = newWebhookSecret();
    const rotated = signatureHeaders([newWebhookSecret(), old], 'evt_1', ts, body);
    assert.ok(await verifyWebhook(body, rotated, old, { now }));
  });

  it('refuses a changed body, a wrong secret, a stale timestamp and a request without signatures', async () => {
    const refuses = (promise: Promise<unknown>, reason: RegExp) =>
      assert.rejects(promise, (e: unknown) => e instanceof WebhookVerificationError && reason.test(e.message));
    await refuses(verifyWebhook(body.replace('APPROVED', 'DECLINED'), headers, secret, { now }), /does not match/);
    await refuses(verifyWebhook(body, headers, newWebhookSecret(), { now }), /does not match/);
    await refuses(verifyWebhook(body, headers, secret, { now: new Date(now.getTime() + 301_000) }), /more than 300 s/);
    assert.ok(
      await verifyWebhook(body, headers, secret, { now: new Date(now.getTime() + 301_000), toleranceSeconds: 600 }),
    );
    await refuses(verifyWebhook(body, {}, secret, { now }), /no onramp signature headers/);
    const forged = { ...headers, 'webhook-signature': 'v1,AAAA' };
    await refuses(verifyWebhook(body, forged, secret, { now }), /webhook-signature does not match/);
  });
});
