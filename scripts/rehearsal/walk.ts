// The rehearsal's walk: what a partner, a user and an operator do against the production onramp, over
// HTTPS, with every outside party real or a faithful stand-in. Each step checks what it must see and
// throws otherwise.
import { randomInt } from 'node:crypto';
import { createPublicClient, erc20Abi, http as viemHttp } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { BuiltApp } from '../../src/app.ts';
import { type Call, expectOk, type PartnerClient, partnerRequest, signIn, until } from '../partner-api.ts';
import { cli, log, type Production } from './production.ts';
import type { Mail, Sms } from './stand-ins.ts';

export interface WalkWorld {
  production: Production;
  sandbox: { built: BuiltApp; port: number };
  twilio: { messages: Sms[] };
  smtp: { mails: Mail[] };
  coinbase: { down: Set<string> };
  /** Days pass on the Plaid side (the sandbox onramp's clock). */
  settle: (days: number) => Promise<void>;
}

const show = (label: string, value: unknown) =>
  log(`  ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);

/**
 * Waits (bounded) for every provider check to pass, as an operator's rollout does: a first check can
 * outlast its timeout while the sandbox side warms up on a busy machine.
 */
async function untilReady(p: WalkWorld['production']): Promise<unknown> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const headers = { authorization: `Bearer ${p.env.ONRAMP_METRICS_TOKEN}` };
    const ready = await (await fetch(`${p.base}/readyz?full=1`, { headers })).json();
    if (ready.status === 'ready') return ready.checks;
    if (Date.now() > deadline) throw new Error(`/readyz?full=1: ${JSON.stringify(ready)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** A call as the partner, with the user's session JWT once signed in (refreshed as the API answers). */
type UserCall = (method: string, url: string, body?: unknown) => Promise<Record<string, any>>;

/** What the walk's purchase steps share: buying with the linked bank, and waiting on an activity. */
interface Buying {
  buy: (fiatAmount: string, cryptoCurrency: string, type: string) => Promise<string>;
  waitFor: (what: string, id: string, pred: (a: Record<string, any>) => boolean) => Promise<Record<string, any>>;
  depositWallet: Record<string, any>;
}

export async function walk(w: WalkWorld): Promise<Record<string, unknown>> {
  const p = w.production;
  await checkReadiness(p);
  const { client, call, session } = await createPartner(p);
  const phone = await signInUser(w, client, session);
  const { user, email } = await createUserWithKyc(call, phone);

  log('▶ a bank through Plaid (Tartan Bank, custom_ratio_good)');
  const bank = await linkBank(w, call, user.id);
  show('bank', bank);
  const buying = await purchasesWith(call, user.id, bank.id);

  const { sent, std } = await buyAndSettle(w, buying);
  const { back, refunded } = await returnAndStall(w, buying, user.id);
  const done = await refundByOperator(w, buying, user.id, refunded, email);
  const { ledger, listed } = await checkBooks(p, user.id);
  return {
    userId: user.id,
    purchases: listed.length,
    instantTx: sent.crypto.transactionHash,
    standardTx: std.crypto.transactionHash,
    returnCode: back.metadata.achReturnCode,
    refund: done.metadata.refund.status,
    smsDelivered: w.twilio.messages.length,
    emailsDelivered: w.smtp.mails.length,
    ledger: ledger.ok,
  };
}

async function checkReadiness(p: Production): Promise<void> {
  log('▶ production reports its rails and that Plaid answers');
  show('readyz?full=1', await untilReady(p));
}

async function createPartner(p: Production) {
  log('▶ the operator creates the partner client (onramp clients create)');
  const created = await cli(p, 'clients', 'create', '--name', 'Rehearsal Wallet');
  const client: PartnerClient = {
    base: p.base,
    id: created.clientId as string,
    secret: created.clientSecret as string,
  };
  const session: { jwt?: string } = {};
  const call: UserCall = async (method, url, body) => {
    const answer = await partnerRequest(client, method, url, body, {}, session.jwt);
    if (answer.refreshedJwt) session.jwt = answer.refreshedJwt;
    return expectOk(method, url, answer);
  };
  const config = await call('GET', '/v1/config');
  show('GET /v1/config rails', config.rails);
  if (config.mode !== 'production' || config.rails.ach.provider !== 'plaid' || config.rails.kyc.provider !== 'plaid')
    throw new Error(`unexpected rails ${JSON.stringify(config.rails)}`);
  return { client, call, session };
}

/** Signs a new wallet in (SIWE, then the SMS code Twilio received); the session keeps the JWT. Returns the phone. */
async function signInUser(w: WalkWorld, client: PartnerClient, session: { jwt?: string }): Promise<string> {
  log('▶ sign-in: an EIP-4361 wallet signature, then an SMS code delivered through Twilio');
  const account = privateKeyToAccount(generatePrivateKey());
  const phone = `+1201555${String(randomInt(1000, 10_000))}`;
  const withJwt: Call = async (given, method, url, body) =>
    expectOk(method, url, await partnerRequest(client, method, url, body, {}, given));
  const fromTwilio = async () => {
    const sms = await until(
      'the SMS at Twilio',
      async () => w.twilio.messages.find((m) => m.to === phone),
      30_000,
      200,
    );
    return /\b(\d{6})\b/.exec(sms.body)?.[1];
  };
  session.jwt = await signIn(withJwt, account, phone, fromTwilio);
  show('signed in', { wallet: account.address, phone, smsBody: w.twilio.messages.find((m) => m.to === phone)?.body });
  return phone;
}

async function createUserWithKyc(call: UserCall, phone: string) {
  log('▶ the user, and KYC through Plaid Identity Verification');
  const email = `rehearsal.${Date.now()}@gmail.com`;
  const user = await call('POST', '/v1/users', {
    firstName: 'Dylan',
    lastName: 'Smith',
    email,
    country: 'US',
    phone,
    acceptedTerms: true,
  });
  await call('POST', `/v1/users/${user.id}/kyc`, {
    dateOfBirth: '1990-04-12',
    idType: 'SSN',
    idNumber: `5${String(randomInt(10_000_000, 100_000_000))}`,
    line1: '123 Main St',
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
  });
  const kyc = await until(
    'KYC APPROVED',
    async () => {
      const u = await call('GET', `/v1/users/${user.id}`);
      return u.kyc?.status === 'APPROVED' ? u.kyc : undefined;
    },
    90_000,
  );
  show('kyc', kyc);
  return { user, email };
}

async function purchasesWith(call: UserCall, userId: string, bankId: string): Promise<Buying> {
  const depositWallet = (await call('GET', `/v1/users/${userId}/wallets`)).items[0];
  const buy = async (fiatAmount: string, cryptoCurrency: string, type: string) =>
    (
      await call('POST', `/v1/users/${userId}/banks/${bankId}/ach`, {
        fiatAmount,
        cryptoCurrency,
        type,
        walletId: depositWallet.id,
      })
    ).activityItem.id as string;
  const activity = (id: string) => call('GET', `/v1/users/${userId}/activity/${id}`);
  const waitFor = (what: string, id: string, pred: (a: Record<string, any>) => boolean) =>
    until(
      what,
      async () => {
        const a = await activity(id);
        return pred(a) ? a : undefined;
      },
      120_000,
    );
  return { buy, waitFor, depositWallet };
}

/** An INSTANT purchase paid out at once and a STANDARD one paid out after settlement, both checked on chain. */
async function buyAndSettle(w: WalkWorld, { buy, waitFor, depositWallet }: Buying) {
  log('▶ INSTANT $25 ETH (paid out at once) and STANDARD $30 USDC on Polygon (after settlement)');
  const instant = await buy('25', 'ETH', 'INSTANT');
  const standard = await buy('30', 'USDC_POLYGON', 'STANDARD');
  const sent = await waitFor('INSTANT ETH on chain', instant, (a) => a.crypto.status === 'COMPLETED');
  await waitFor('STANDARD originated', standard, (a) => typeof a.metadata.expectedSettlementDate === 'string');
  const eth = await onChain(w, 'ETHEREUM', depositWallet.address, 'ETH');
  show('INSTANT ETH', { transactionHash: sent.crypto.transactionHash, amount: sent.crypto.amount, walletBalance: eth });
  log('▶ a week passes at Plaid: both debits settle; the STANDARD USDC is re-quoted and paid out');
  await w.settle(7);
  await waitFor('INSTANT $25 settled', instant, (a) => a.fiat.status === 'COMPLETED');
  const std = await waitFor('STANDARD USDC paid out', standard, (a) => a.crypto.status === 'COMPLETED');
  const usdc = await onChain(w, 'POLYGON', depositWallet.address, 'USDC');
  show('STANDARD USDC', {
    transactionHash: std.crypto.transactionHash,
    amount: std.crypto.amount,
    walletBalance: usdc,
  });
  return { sent, std };
}

/**
 * An INSTANT purchase whose debit is returned R01 (flag F1000), and a STANDARD one that settles while
 * Coinbase is down, so it cannot be re-quoted. Returns the returned activity and the stalled purchase's id.
 */
async function returnAndStall(w: WalkWorld, { buy, waitFor }: Buying, userId: string) {
  log('▶ INSTANT $60 USDC on Polygon (to be returned R01) and STANDARD $35 ETH; then Coinbase stops answering');
  const returned = await buy('60', 'USDC_POLYGON', 'INSTANT');
  const refunded = await buy('35', 'ETH', 'STANDARD');
  await waitFor('INSTANT USDC on chain', returned, (a) => a.crypto.status === 'COMPLETED');
  await waitFor('STANDARD originated', refunded, (a) => typeof a.metadata.expectedSettlementDate === 'string');
  w.coinbase.down.add('ETH');
  log('▶ another week at Plaid: the $60 debit is returned R01 (F1000); the $35 one settles but cannot be re-quoted');
  await w.settle(7);
  const back = await waitFor('the return', returned, (a) => a.fiat.status === 'FAILED');
  const flags = await cli(w.production, 'flags', 'list', userId);
  show('returned', { failureReason: back.metadata.failureReason, achReturnCode: back.metadata.achReturnCode, flags });
  if (!JSON.stringify(flags).includes('F1000')) throw new Error('the return did not flag F1000');
  return { back, refunded };
}

/** The operator refunds the stalled purchase (onramp purchases refund); the refund settles and the user is emailed. */
async function refundByOperator(w: WalkWorld, { waitFor }: Buying, userId: string, refunded: string, email: string) {
  const p = w.production;
  log('▶ the STANDARD ETH purchase is paid but cannot be re-quoted: the operator refunds it');
  await until(
    'the ETH purchase settled and waiting',
    async () => {
      const open = await cli(p, 'purchases', 'list', '--status', 'OPEN', '--user', userId);
      return open.find(
        (x: { id: string; ach: string; payout: string }) =>
          x.id === refunded && x.ach === 'SETTLED' && x.payout === 'WAITING',
      );
    },
    120_000,
  );
  const refund = await cli(
    p,
    'purchases',
    'refund',
    refunded,
    '--reason',
    'ETH price feed down; the user asked for the money back',
  );
  show('onramp purchases refund', { refund: refund.refund, outcome: refund.outcome });
  w.coinbase.down.delete('ETH');
  await w.settle(5);
  const done = await waitFor('the refund settled', refunded, (a) => a.metadata.refund?.status === 'COMPLETED');
  const mail = await until(
    'the refund email',
    async () => w.smtp.mails.find((m) => m.to.includes(email.toLowerCase()) && /refunded/i.test(m.raw)),
    30_000,
    200,
  );
  show('refund', { ...done.metadata.refund, fiat: done.fiat.status, crypto: done.crypto.status, emailTo: mail.to });
  return done;
}

async function checkBooks(p: Production, userId: string) {
  log('▶ the books: onramp ledger check');
  const ledger = await cli(p, 'ledger', 'check');
  show('ledger check', { ok: ledger.ok, journals: ledger.journals, postings: ledger.postings });
  if (!ledger.ok) throw new Error(`ledger check failed: ${JSON.stringify(ledger)}`);
  const listed = await cli(p, 'purchases', 'list', '--user', userId);
  for (const x of listed)
    show('purchase', {
      type: x.type,
      amount: x.amount,
      asset: x.asset,
      ach: x.ach,
      payout: x.payout,
      refund: x.refund,
    });
  return { ledger, listed };
}

async function linkBank(w: WalkWorld, call: UserCall, userId: string) {
  await call('POST', `/v1/users/${userId}/banks:requestLink`, {});
  // The user's Link session, as the sandbox plays it: its own call for scripts (docs/plaid-sandbox.md).
  const res = await fetch(`http://127.0.0.1:${w.sandbox.port}/sandbox/plaid/sandbox/public_token/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      institution_id: 'ins_109511',
      initial_products: ['auth', 'identity'],
      options: { override_username: 'custom_ratio_good', override_password: 'pass_good' },
      user_id: userId,
    }),
  });
  const { public_token: publicToken } = (await res.json()) as { public_token: string };
  const activated = await call('POST', `/v1/users/${userId}/banks:activateLink`, { publicToken });
  return until(
    'bank APPROVED',
    async () => {
      const b = await call('GET', `/v1/users/${userId}/banks/${activated.bankAccount.id}`);
      return b.verificationStatus === 'APPROVED'
        ? { id: b.id as string, linkStatus: b.linkStatus, mask: b.mask }
        : undefined;
    },
    60_000,
  );
}

/** The wallet's balance read from the chain itself (the sandbox onramp's JSON-RPC), as a block explorer would. */
async function onChain(w: WalkWorld, network: 'ETHEREUM' | 'POLYGON', address: `0x${string}`, asset: 'ETH' | 'USDC') {
  const client = createPublicClient({
    transport: viemHttp(`http://127.0.0.1:${w.sandbox.port}/sandbox/rpc/${network.toLowerCase()}`),
  });
  if (asset === 'ETH') return (await client.getBalance({ address })).toString();
  const usdc = w.sandbox.built.ctx.chains.usdcAddress(network);
  return (
    await client.readContract({ address: usdc, abi: erc20Abi, functionName: 'balanceOf', args: [address] })
  ).toString();
}
