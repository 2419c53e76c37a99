// npm run journey — a partner's whole integration against a running sandbox, written with the SDK
// (sdk/, package onramp-sdk) exactly as a partner app would: register a webhook with a local
// receiver, sign in with a new wallet (a viem account) and an SMS code, create the user, pass KYC,
// link a bank through the Plaid sandbox, check limits and an estimate, buy ETH by INSTANT ACH, wait for
// the webhook that says it completed, read the ETH on chain, verify every webhook, and delete the
// webhook it registered. Copy it: it is the example the docs point to.
//
//   npm start                  (another terminal)
//   npm run journey            finds the server and the demo client in ./.onramp (ONRAMP_STATE_DIR)
//   BASE=http://127.0.0.1:3000 CLIENT_ID=… CLIENT_SECRET=… npm run journey
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Onramp, OnrampError, SANDBOX, verifyWebhook, type WebhookEvent, type WebhookEventOf } from 'onramp-sdk';
import { createPublicClient, formatEther, http as viemHttp } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

const AMOUNT = process.env.AMOUNT ?? '25.00';
const stateDir = process.env.ONRAMP_STATE_DIR ?? '.onramp';

function readState<T>(file: string, what: string): T {
  const full = path.join(stateDir, file);
  if (!fs.existsSync(full)) {
    process.stderr.write(
      `No ${what} in ${full}: start the sandbox first (npm start), or set BASE, CLIENT_ID and CLIENT_SECRET.\n`,
    );
    process.exit(2);
  }
  return JSON.parse(fs.readFileSync(full, 'utf8')) as T;
}

/** The running server's URL and the demo client, from the state directory npm start writes. */
function target(): { baseUrl: string; clientId: string; clientSecret: string } {
  const baseUrl = process.env.BASE ?? readState<{ url: string }>('server.json', 'running server').url;
  if (process.env.CLIENT_ID && process.env.CLIENT_SECRET) {
    return { baseUrl, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET };
  }
  const demo = readState<{ clientId: string; clientSecret: string }>('demo-client.json', 'demo client');
  return { baseUrl, ...demo };
}

const step = (text: string) => process.stdout.write(`\n▶ ${text}\n`);
const show = (label: string, value: unknown) =>
  process.stdout.write(`  ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);

/** A local webhook endpoint: every request is verified over its raw body with the SDK. */
function startReceiver(secret: () => string) {
  const events: WebhookEvent[] = [];
  const failures: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      verifyWebhook(Buffer.concat(chunks), req.headers, secret()).then(
        (event) => events.push(event),
        (error: unknown) => failures.push(String(error)),
      );
      res.writeHead(204).end();
    });
  });
  return { server, events, failures };
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function journey(
  onramp: Onramp,
  baseUrl: string,
  receiverUrl: string,
  receiver: ReturnType<typeof startReceiver>,
  setSecret: (s: string) => void,
) {
  step(`Register a webhook for ${receiverUrl}`);
  const hook = await onramp.api.createWebhook({
    body: { url: receiverUrl, events: ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'], name: 'npm run journey' },
  });
  setSecret(hook.secret ?? '');
  show('webhook', { id: hook.id, events: hook.events });
  try {
    step('Sign in with a new wallet (EIP-4361), then an SMS code: the SDK keeps the session JWT');
    const account = privateKeyToAccount(generatePrivateKey());
    await onramp.signInWithWallet(account);
    const phone = SANDBOX.phone(Date.now());
    const { phoneId } = await onramp.api.sendSmsOtp({ body: { phoneNumber: phone } });
    const otp = await onramp.sandbox.latestCode(phone);
    await onramp.api.authenticateSmsOtp({ body: { phoneId, otp } });
    show('wallet', account.address);
    show('phone', `${phone}, code ${otp} from the sandbox inbox`);

    step('Create the user and submit KYC (an SSN starting with 2 is approved in the sandbox)');
    const user = await onramp.api.createUser({
      body: {
        firstName: 'Dylan',
        lastName: 'Smith',
        email: `journey.${Date.now()}@gmail.com`,
        country: 'US',
        phone,
        acceptedTerms: true,
      },
    });
    const wallet = user.wallets[0]!;
    show('user', { id: user.id, depositWallet: wallet.address });
    // Area 2xx (approved in the sandbox); a group of 00 or a serial of 0000 is no SSN (INVALID_ID_NUMBER).
    const ssn = `2${randomInt(10, 100)}${randomInt(10, 100)}${randomInt(1000, 10_000)}`;
    await onramp.api.submitKyc({
      path: { userId: user.id },
      body: {
        dateOfBirth: '1990-04-12',
        idType: 'SSN',
        idNumber: ssn,
        line1: '123 Main St',
        city: 'Austin',
        state: 'TX',
        postalCode: '78701',
      },
    });
    const kyc = await waitFor('KYC_UPDATED APPROVED', () =>
      receiver.events.find(
        (e): e is WebhookEventOf<'KYC_UPDATED'> => e.event === 'KYC_UPDATED' && e.data.status === 'APPROVED',
      ),
    );
    show('kyc (webhook)', kyc.data.status);

    step('Link a bank through the Plaid sandbox (Tartan Bank, custom_ratio_good / pass_good)');
    const bank = await onramp.sandbox.linkBank(user.id);
    show('bank', {
      id: bank.id,
      linkStatus: bank.linkStatus,
      verificationStatus: bank.verificationStatus,
      mask: bank.mask,
    });

    step('Limits and an estimate');
    show('limits', await onramp.api.calculateAchLimits({ path: { userId: user.id } }));
    show(
      'estimate',
      await onramp.api.estimateAchPurchase({ body: { cryptoCurrency: 'ETH', fiatAmount: AMOUNT, type: 'INSTANT' } }),
    );

    step(`Buy $${AMOUNT} of ETH, INSTANT, delivered to ${wallet.address} (the SDK sends an Idempotency-Key)`);
    const { activityItem } = await onramp.api.initiateAchPurchase({
      path: { userId: user.id, bankId: bank.id },
      body: { fiatAmount: AMOUNT, cryptoCurrency: 'ETH', walletId: wallet.id, type: 'INSTANT' },
    });
    show('activity item', {
      id: activityItem?.id,
      fiat: activityItem?.fiat?.status,
      crypto: activityItem?.crypto?.status,
    });
    const done = await waitFor('ACTIVITY_UPDATED with the crypto leg COMPLETED', () =>
      receiver.events.find(
        (e): e is WebhookEventOf<'ACTIVITY_UPDATED'> =>
          e.event === 'ACTIVITY_UPDATED' && e.data.id === activityItem?.id && e.data.crypto?.status === 'COMPLETED',
      ),
    );
    show('crypto (webhook)', { status: done.data.crypto?.status, transactionHash: done.data.crypto?.transactionHash });

    step('Read the balance on chain through the sandbox JSON-RPC');
    const chain = createPublicClient({ transport: viemHttp(`${baseUrl}/sandbox/rpc/ethereum`) });
    const balance = await chain.getBalance({ address: wallet.address as `0x${string}` });
    show('ETH balance', formatEther(balance));
    if (balance === 0n) throw new Error('the wallet received nothing');

    step('Webhooks received, each verified with verifyWebhook');
    for (const e of receiver.events) show(e.event, `${e.id} verified`);
    if (receiver.failures.length > 0) throw new Error(`webhooks that did not verify: ${receiver.failures.join('; ')}`);
  } finally {
    await onramp.api.deleteWebhook({ path: { webhookId: hook.id } });
    show('deleted webhook', hook.id);
  }
}

async function main(): Promise<void> {
  const { baseUrl, clientId, clientSecret } = target();
  const onramp = new Onramp({ baseUrl, clientId, clientSecret });
  let secret = '';
  const receiver = startReceiver(() => secret);
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/onramp`;
  try {
    await journey(onramp, baseUrl, receiverUrl, receiver, (s) => (secret = s));
    process.stdout.write('\n✔ journey complete\n');
  } finally {
    receiver.server.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof OnrampError) {
    process.stderr.write(`\n✘ ${error.status} ${error.code}: ${error.message} (request ${error.requestId})\n`);
  } else if (error instanceof Error && 'cause' in error && String(error.cause).includes('ECONNREFUSED')) {
    process.stderr.write(`\n✘ ${error.message}\n  Is the sandbox running? npm start\n`);
  } else {
    process.stderr.write(`\n✘ ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
