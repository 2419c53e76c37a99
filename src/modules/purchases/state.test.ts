// The purchase's state tables directly: each is a closed graph whose every state is reachable from
// the first, with no self-loops (a move to the same state would always "win" a race); sourcesOf() is
// exactly the reverse of the table (it builds the conditional update's WHERE); every state shows in
// the API as a documented status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACH_TRANSITIONS, cryptoStatus, fiatStatus, PAYOUT_TRANSITIONS, RISK_TRANSITIONS, sourcesOf } from './state.ts';

const TABLES = {
  risk: { table: RISK_TRANSITIONS as Record<string, string[]>, initial: 'PENDING' },
  ach: { table: ACH_TRANSITIONS as Record<string, string[]>, initial: 'PENDING' },
  payout: { table: PAYOUT_TRANSITIONS as Record<string, string[]>, initial: 'WAITING' },
};
const API_STATUSES = ['PENDING', 'COMPLETED', 'FAILED'];

describe('purchase state tables', () => {
  for (const [name, { table, initial }] of Object.entries(TABLES)) {
    describe(name, () => {
      const states = Object.keys(table);

      it('is closed (every target is a state) and has no self-loops or repeated targets', () => {
        for (const from of states) {
          const targets = table[from]!;
          assert.equal(new Set(targets).size, targets.length, `${from} lists a target twice`);
          for (const to of targets) {
            assert.ok(states.includes(to), `${from} → ${to}: ${to} is not a state`);
            assert.notEqual(to, from, `${from} → ${from}`);
          }
        }
      });

      it(`reaches every state from ${initial}`, () => {
        const seen = new Set([initial]);
        const queue = [initial];
        while (queue.length > 0)
          for (const to of table[queue.shift()!] ?? []) if (!seen.has(to)) seen.add(to) && queue.push(to);
        assert.deepEqual([...seen].sort(), [...states].sort());
      });

      it('sourcesOf(to) is exactly the states that list `to`', () => {
        for (const to of states) {
          const expected = states.filter((from) => table[from]!.includes(to)).sort();
          assert.deepEqual(sourcesOf(table, to).sort(), expected, `sources of ${to}`);
        }
        assert.deepEqual(sourcesOf(table, initial), [], `nothing moves back to ${initial}`);
      });
    });
  }

  it('shows every ACH state as a fiat status and every payout state as a crypto status', () => {
    for (const s of Object.keys(ACH_TRANSITIONS)) assert.ok(API_STATUSES.includes(fiatStatus(s as never)), s);
    for (const s of Object.keys(PAYOUT_TRANSITIONS)) assert.ok(API_STATUSES.includes(cryptoStatus(s as never)), s);
    assert.equal(fiatStatus('PENDING'), 'PENDING');
    assert.equal(cryptoStatus('WAITING'), 'PENDING');
    assert.equal(cryptoStatus('CONFIRMED'), 'COMPLETED');
    assert.throws(() => fiatStatus('NOPE' as never), /unexpected state NOPE/);
  });
});
