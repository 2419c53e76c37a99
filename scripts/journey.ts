// npm run journey — walks a partner's whole integration against a running sandbox server, over HTTP
// only, exactly as a partner app would: register a webhook (with a local receiver), sign in with a new
// wallet (EIP-4361 signature) and an SMS code from the sandbox inbox, create the user, pass KYC, link
// and verify a bank through the Plaid sandbox, buy ETH by ACH (INSTANT), watch the purchase complete,
// read the ETH on chain through the sandbox JSON-RPC, and check every webhook's signature.
//
//   npm start                                   (another terminal)
//   npm run journey                             uses the demo client kept in ./.onramp
//   BASE=http://127.0.0.1:3000 CLIENT_ID=… CLIENT_SECRET=… npm run journey
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createPublicClient, formatEther, http as viemHttp } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expectOk, partnerRequest, until } from './partner-api.ts';

const BASE = (process.env.BASE ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const AMOUNT = process.env.AMOUNT ?? '25.00';

function demoClient(): { id: string; secret: string } {
  if (process.env.CLIENT_ID && process.env.CLIENT_SECRET)
    return { id: process.env.CLIENT_ID, secret: process.env.CLIENT_SECRET };
  const file = path.join(process.env.ONRAMP_STATE_DIR ?? '.onramp', 'demo-client.json');
  if (!fs.existsSync(file))
    throw new Error(`set CLIENT_ID and CLIENT_SECRET (the demo client printed by npm start); ${file} does not exist`);
  const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as { clientId: string; clientSecret: string };
  return { id: kept.clientId, secret: kept.clientSecret };
}

const client = demoClient();
let jwt: string | undefined;

function step(text: string): void {
  process.stdout.write(`\n▶ ${text}\n`);
}
function show(label: string, value: unknown): void {
  process.stdout.write(`  ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
}

async function call<T = Record<string, any>>(
  method: string,
  url: string,
  body?: unknown,
  extra: Record<string, string> = {},
  expectStatus?: number,
): Promise<T> {
  const answer = await partnerRequest({ base: BASE, ...client }, method, url, body, extra, jwt);
  if (answer.refreshedJwt) jwt = answer.refreshedJwt;
  const ok = expectOk(method, url, answer) as T;
  if (expectStatus !== undefined && answer.status !== expectStatus)
    throw new Error(`${method} ${url} → ${answer.status}, expected ${expectStatus}`);
  return ok;
}

// ---- a webhook receiver that checks both signature schemes over the raw body ----
interface Received {
  event: string;
  id: string;
  data: Record<string, any>;
  verified: boolean;
}
const received: Received[] = [];
let webhookSecret = '';
function verify(headers: http.IncomingHttpHeaders, raw: string): boolean {
  // ratio-webhook-signature: hex HMAC-SHA512 keyed with the whole secret string, over `timestamp.body`
  // (two comma-separated during a secret rotation).
  const ts = String(headers['ratio-webhook-signature-timestamp'] ?? '');
  const ratio = createHmac('sha512', webhookSecret).update(`${ts}.${raw}`).digest('hex');
  const ratioOk = String(headers['ratio-webhook-signature'] ?? '')
    .split(',')
    .some((given) => given.length === ratio.length && timingSafeEqual(Buffer.from(given), Buffer.from(ratio)));
  // Standard Webhooks: base64 HMAC-SHA256 keyed with the base64-decoded secret, over `id.timestamp.body`.
  const key = Buffer.from(webhookSecret.replace(/^whsec_/, ''), 'base64');
  const std = createHmac('sha256', key)
    .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${raw}`)
    .digest('base64');
  const stdOk = String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((s) => s === `v1,${std}`);
  return ratioOk && stdOk;
}
const receiver = http.createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (raw += c));
  req.on('end', () => {
    try {
      const body = JSON.parse(raw) as { event: string; id: string; data: Record<string, any> };
      received.push({ event: body.event, id: body.id, data: body.data, verified: verify(req.headers, raw) });
    } catch {
      /* a malformed body is answered 200 too: this receiver only records */
    }
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/onramp`;

try {
  step(`Register a webhook for ${receiverUrl}`);
  const hook = await call('POST', '/v1/webhooks', {
    url: receiverUrl,
    events: ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'],
  });
  webhookSecret = hook.secret ?? hook.signingSecret ?? '';
  show('webhook', {
    id: hook.id,
    events: hook.events,
    secret: webhookSecret ? `${webhookSecret.slice(0, 10)}…` : '(none returned)',
  });

  step('Sign in with a new wallet: cryptoWallet:start, sign the EIP-4361 challenge, cryptoWallet:authenticate');
  const account = privateKeyToAccount(generatePrivateKey());
  const wallet = { walletAddress: account.address, walletType: 'EVM' };
  const { challenge } = await call('POST', '/v1/auth/cryptoWallet:start', wallet);
  const signature = await account.signMessage({ message: challenge });
  jwt = (await call('POST', '/v1/auth/cryptoWallet:authenticate', { ...wallet, signature })).sessionJwt;
  show('wallet', account.address);

  step('Second factor: sms:send, read the code from the sandbox inbox, sms:authenticate');
  const phone = `+1201555${String(randomInt(0, 10_000)).padStart(4, '0')}`;
  const { phoneId } = await call('POST', '/v1/auth/otp/sms:send', { phoneNumber: phone });
  const inbox = await call<{ items: Array<{ text: string }> }>('GET', `/sandbox/inbox?to=${encodeURIComponent(phone)}`);
  const otp = /\b(\d{6})\b/.exec(inbox.items[0]?.text ?? '')?.[1];
  if (!otp) throw new Error(`no code in the sandbox inbox for ${phone}`);
  jwt = (await call('POST', '/v1/auth/otp/sms:authenticate', { phoneId, otp })).sessionJwt;
  show('phone', `${phone}, code ${otp} from the sandbox inbox`);

  step('Create the user (POST /v1/users)');
  const email = `journey.${Date.now()}@gmail.com`;
  const user = await call('POST', '/v1/users', {
    firstName: 'Dylan',
    lastName: 'Smith',
    email,
    country: 'US',
    phone,
    acceptedTerms: true,
  });
  show('user', { id: user.id, kyc: user.kyc.status });
  const wallets = await call('GET', `/v1/users/${user.id}/wallets`);
  const depositWallet = wallets.items[0];
  show('deposit wallet', { id: depositWallet.id, address: depositWallet.address });

  step('KYC (an SSN starting with 2 is approved in the sandbox)');
  const ssn = `2${String(randomInt(10, 99))}-${String(randomInt(10, 99))}-${String(randomInt(1000, 9999))}`;
  await call('POST', `/v1/users/${user.id}/kyc`, {
    dateOfBirth: '1990-04-12',
    idType: 'SSN',
    idNumber: ssn,
    line1: '123 Main St',
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
    nationality: 'US',
    occupation: 'Engineer',
  });
  const kyc = await until('KYC result', async () => {
    const u = await call('GET', `/v1/users/${user.id}`);
    return ['APPROVED', 'DECLINED', 'IN_REVIEW'].includes(u.kyc.status) ? u.kyc : undefined;
  });
  show('kyc', kyc);
  if (kyc.status !== 'APPROVED') throw new Error(`KYC ended ${kyc.status}`);

  step('Link a bank through the Plaid sandbox (Tartan Bank, custom_ratio_good / pass_good)');
  const link = await call('POST', `/v1/users/${user.id}/banks:requestLink`, {});
  show('link token', link.linkToken);
  const publicToken = await sandboxPublicToken(link.linkToken);
  const activated = await call('POST', `/v1/users/${user.id}/banks:activateLink`, { publicToken });
  const bankId: string = activated.bankAccount.id;
  const bank = await until('bank verification', async () => {
    const b = await call('GET', `/v1/users/${user.id}/banks/${bankId}`);
    return b.verificationStatus && b.verificationStatus !== 'IN_REVIEW' ? b : undefined;
  });
  show('bank', {
    id: bank.id,
    linkStatus: bank.linkStatus,
    verificationStatus: bank.verificationStatus,
    mask: bank.mask,
  });

  step('Limits and an estimate');
  const limits = await call('POST', `/v1/users/${user.id}:calculateAchLimits`);
  show('limits', limits);
  const estimate = await call('POST', '/v1/crypto/estimates:ach', {
    cryptoCurrency: 'ETH',
    fiatAmount: AMOUNT,
    type: 'INSTANT',
  });
  show('estimate', estimate);

  step(`Buy $${AMOUNT} of ETH, INSTANT, delivered to ${depositWallet.address}`);
  const purchase = await call(
    'POST',
    `/v1/users/${user.id}/banks/${bankId}/ach`,
    { fiatAmount: AMOUNT, cryptoCurrency: 'ETH', walletId: depositWallet.id, type: 'INSTANT' },
    { 'idempotency-key': `journey-${Date.now()}` },
    202, // Accepted: the purchase completes asynchronously (ACTIVITY_UPDATED webhooks follow it)
  );
  const activityId: string = purchase.activityItem.id;
  show('activity item', {
    id: activityId,
    fiat: purchase.activityItem.fiat?.status,
    crypto: purchase.activityItem.crypto?.status,
  });
  const done = await until(
    'the crypto leg',
    async () => {
      const a = await call('GET', `/v1/users/${user.id}/activity/${activityId}`);
      return a.crypto?.status === 'COMPLETED' || a.crypto?.status === 'FAILED' ? a : undefined;
    },
    120_000,
  );
  show('activity item', done);
  const list = await call('GET', `/v1/users/${user.id}/activity`);
  show(
    'activity list',
    list.items.map((i: Record<string, any>) => `${i.id} fiat ${i.fiat?.status} crypto ${i.crypto?.status}`),
  );

  step('Read the balance on chain through the sandbox JSON-RPC');
  const chain = createPublicClient({ transport: viemHttp(`${BASE}/sandbox/rpc/ethereum`) });
  const balance = await chain.getBalance({ address: depositWallet.address });
  show('ETH balance', formatEther(balance));
  if (balance === 0n) throw new Error('the wallet received nothing');

  step('Webhooks received');
  await until(
    'ACTIVITY_UPDATED webhooks',
    async () => (received.some((r) => r.event === 'ACTIVITY_UPDATED') ? true : undefined),
    30_000,
  );
  for (const r of received) show(r.event, `${r.id} signature ${r.verified ? 'verified' : 'NOT VERIFIED'}`);
  if (received.some((r) => !r.verified)) throw new Error('a webhook signature did not verify');
  process.stdout.write('\n✔ journey complete\n');
} finally {
  receiver.close();
}

/** The Plaid Link flow without a browser: the same calls the sandbox Link page makes. */
async function sandboxPublicToken(linkToken: string): Promise<string> {
  const res = await call('POST', '/sandbox/link/complete', {
    token: linkToken,
    institutionId: 'ins_109511',
    username: 'custom_ratio_good',
    password: 'pass_good',
  });
  return res.publicToken;
}
