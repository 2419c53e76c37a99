// What can go wrong between onramp and Plaid, against the built-in sandbox through the official
// client: a process that dies after Plaid made the authorization or the transfer but before it was
// recorded, an authorization that expired unused, the event stream read again from the start, the
// same webhook twice, and a restarted process that goes on from the stored cursor.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { debitOn, plaidAccount, type PlaidAccount } from '../../../test/ach.ts';
import { post } from '../../../test/auth.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { ManualClock, wallClock } from '../../lib/clock.ts';
import { PlaidTransferProvider } from '../../providers/ach/plaid-transfer.ts';
import { signWebhook } from '../../sandbox/plaid/sandbox.ts';
import { TRANSFER_EVENTS_UPDATE } from '../../sandbox/plaid/transfer.ts';
import { type AchProvider, AchProviderError } from '../../providers/ach/types.ts';
import { AchService, type AchUpdate } from './index.ts';

// Monday 2 March 2026, 10:00 in New York.
const MONDAY_10AM = '2026-03-02T15:00:00Z';

/** The real adapter, except that the answer of `lose` is lost: the process "dies" right after Plaid acted. */
class LosingProvider implements AchProvider {
  readonly name = 'plaid';
  readonly afterIds: bigint[] = [];
  constructor(
    private readonly real: AchProvider,
    private readonly lose: 'authorize' | 'createTransfer' | 'unsent' | null,
  ) {}
  async authorize(...args: Parameters<AchProvider['authorize']>) {
    const answer = await this.real.authorize(...args);
    if (this.lose === 'authorize') throw new Error('process died after /transfer/authorization/create');
    return answer;
  }
  async createTransfer(...args: Parameters<AchProvider['createTransfer']>) {
    if (this.lose === 'unsent') throw new AchProviderError('UNAVAILABLE', null, '/transfer/create never reached Plaid');
    const answer = await this.real.createTransfer(...args);
    if (this.lose === 'createTransfer') throw new Error('process died after /transfer/create');
    return answer;
  }
  getTransfer(id: string) {
    return this.real.getTransfer(id);
  }
  events(afterId: bigint, count: number) {
    this.afterIds.push(afterId);
    return this.real.events(afterId, count);
  }
  refund(...args: Parameters<AchProvider['refund']>) {
    return this.real.refund(...args);
  }
  ping() {
    return this.real.ping();
  }
}

describe('ACH on Plaid Transfer when processes die and messages repeat', () => {
  const clock = new ManualClock(MONDAY_10AM);
  let t: TestApp;
  let account: PlaidAccount;
  const seen: AchUpdate[] = [];

  const service = (lose: 'authorize' | 'createTransfer' | 'unsent' | null) => {
    const provider = new LosingProvider(new PlaidTransferProvider(t.ctx.plaid, t.ctx.log), lose);
    const ach = new AchService(t.db.db, t.ctx.clock, provider, t.config.ach, t.ctx.jobs, t.ctx.log);
    ach.onUpdate(async (update) => {
      seen.push(update);
    });
    return { ach, provider };
  };

  const transfersFor = async (debitId: string) => {
    const { data } = await t.ctx.plaid.api().transferList({ count: 25 });
    return data.transfers.filter((x) => x.metadata?.onramp_debit_id === debitId);
  };

  before(async () => {
    t = await startTestApp({ clock, listen: true });
    account = await plaidAccount(t.ctx.plaid.api());
    t.ctx.ach.onUpdate(async (update) => {
      seen.push(update);
    });
  });
  after(() => t.close());

  it('a process that dies after the authorization gets the same authorization back: one transfer', async () => {
    const request = debitOn(account, 2000n);
    await assert.rejects(service('authorize').ach.originateDebit(request), /died/);
    assert.equal((await t.ctx.ach.get(request.id))?.status, 'AUTHORIZING', 'the intent was recorded first');
    const made = await t.ctx.ach.originateDebit(request);
    const authorizations = await t.db.db
      .selectFrom('sandbox_plaid_transfer_authorizations')
      .select('id')
      .where('idempotency_key', '=', `${request.id}:1`)
      .execute();
    assert.equal(authorizations.length, 1, 'Plaid answered the same authorization to the same key');
    assert.deepEqual(
      (await transfersFor(request.id)).map((x) => x.id),
      [made.providerRef],
    );
  });

  it('a process that dies after /transfer/create: the event worker finds the transfer by its metadata; a retry makes no second one', async () => {
    const request = debitOn(account, 2100n);
    await assert.rejects(service('createTransfer').ach.originateDebit(request), /died/);
    const stuck = await t.ctx.ach.get(request.id);
    assert.equal(stuck?.status, 'AUTHORIZED');
    assert.equal(stuck?.provider_ref, null);
    // Plaid's pending event names a transfer no debit records yet: its metadata says whose it is.
    await t.ctx.ach.sync();
    const recovered = await t.ctx.ach.get(request.id);
    assert.equal(recovered?.status, 'PENDING');
    const [transfer] = await transfersFor(request.id);
    assert.equal(recovered?.provider_ref, transfer!.id);
    assert.equal((await t.ctx.ach.originateDebit(request)).providerRef, transfer!.id);
    assert.equal((await transfersFor(request.id)).length, 1);
  });

  it('an authorization that expired unused (the create never reached Plaid, an hour passed) is made again: one transfer', async () => {
    const request = debitOn(account, 2200n);
    await assert.rejects(service('unsent').ach.originateDebit(request), /never reached/);
    assert.equal((await t.ctx.ach.get(request.id))?.status, 'AUTHORIZED');
    clock.advance(61 * 60_000);
    const made = await t.ctx.ach.originateDebit(request);
    const debit = await t.ctx.ach.get(request.id);
    assert.equal(debit?.authorization_attempt, 2, 'a second authorization, under a new idempotency key');
    assert.deepEqual(
      (await transfersFor(request.id)).map((x) => x.id),
      [made.providerRef],
    );
  });

  it('reads the stream again from the start without applying anything twice', async () => {
    const request = debitOn(account, 3000n);
    await t.ctx.ach.originateDebit(request);
    await post(t, '/sandbox/clock:advance', { days: 7 });
    const settled = seen.filter((u) => u.id === request.id);
    assert.deepEqual(
      settled.map((u) => u.status),
      ['SETTLED'],
    );
    const applied = await t.db.db
      .selectFrom('ach_events')
      .select('event_id')
      .where('applied_at', 'is not', null)
      .execute();
    // A lost cursor: the worker starts over at 0 and gets every event again.
    await t.db.db.updateTable('ach_event_cursors').set({ after_id: 0n }).execute();
    await t.ctx.ach.sync();
    assert.deepEqual(
      seen.filter((u) => u.id === request.id).map((u) => u.status),
      ['SETTLED'],
      'applied once',
    );
    const again = await t.db.db
      .selectFrom('ach_events')
      .select('event_id')
      .where('applied_at', 'is not', null)
      .execute();
    assert.equal(again.length, applied.length);
  });

  it('a restarted process goes on from the stored cursor', async () => {
    const { data } = await t.ctx.plaid.api().transferEventSync({ after_id: 0, count: 500 });
    const last = BigInt(data.transfer_events.at(-1)!.event_id);
    const { ach, provider } = service(null);
    await ach.sync();
    assert.deepEqual(provider.afterIds, [last], 'one read, after the last event already stored');
  });

  it('the same TRANSFER_EVENTS_UPDATE twice wakes the worker twice and changes nothing twice', async () => {
    const request = debitOn(account, 3100n);
    await t.ctx.ach.originateDebit(request);
    // The webhook exactly as the sandbox signs it (ES256 JWT over the body's SHA-256).
    const { body, jwt } = await signWebhook(
      { db: t.db.db, keyring: t.ctx.secrets.keyring, clock: wallClock(t.ctx.clock) },
      { ...TRANSFER_EVENTS_UPDATE },
    );
    const deliver = () =>
      fetch(`${baseUrl(t)}/webhooks/plaid`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'plaid-verification': jwt },
        body,
      });
    assert.equal((await deliver()).status, 200);
    assert.equal((await deliver()).status, 200);
    const queued = t.logs.records().filter((r) => r.outcome === 'ACH event sync queued');
    assert.equal(queued.length, 2);
    await post(t, '/sandbox/clock:advance', { days: 7 });
    await t.ctx.ach.sync();
    assert.deepEqual(
      seen.filter((u) => u.id === request.id).map((u) => u.status),
      ['SETTLED'],
    );
  });
});
