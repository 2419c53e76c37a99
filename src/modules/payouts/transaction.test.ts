// classifyBroadcastError directly, over what real nodes answer to eth_sendRawTransaction (the wordings
// of geth, Erigon, Nethermind, Besu and Hardhat's EDR), bare and as viem wraps them — a misread here
// either re-signs a nonce (a double payout) or gives up on a payout that would have gone through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BaseError, InsufficientFundsError, NonceTooLowError, RpcRequestError, TransactionExecutionError } from 'viem';
import { classifyBroadcastError, withTimeout } from './transaction.ts';

/** What viem's client throws for a node's JSON-RPC error: the node's message several causes deep. */
function viaViem(nodeMessage: string, code = -32000): Error {
  const rpc = new RpcRequestError({
    body: { method: 'eth_sendRawTransaction' },
    error: { code, message: nodeMessage },
    url: 'http://node',
  });
  return new TransactionExecutionError(new BaseError('execution failed', { cause: rpc }), {
    account: undefined,
    chain: undefined,
  } as never);
}

const cases: Array<[node: string, message: string, kind: ReturnType<typeof classifyBroadcastError>['kind']]> = [
  ['geth', 'already known', 'ACCEPTED'],
  ['geth', 'nonce too low: next nonce 5, tx nonce 3', 'NONCE_USED'],
  ['geth', 'replacement transaction underpriced', 'NONCE_USED'],
  [
    'geth',
    'insufficient funds for gas * price + value: balance 0, tx cost 21000000000000, overshot 21000000000000',
    'INSUFFICIENT_FUNDS',
  ],
  ['geth', 'transaction underpriced: tip needed 1, tip permitted 0', 'TRANSIENT'],
  ['geth', 'txpool is full', 'TRANSIENT'],
  ['erigon', 'ALREADY_EXISTS: already known', 'ACCEPTED'],
  ['erigon', 'nonce too low', 'NONCE_USED'],
  ['erigon', 'insufficient funds', 'INSUFFICIENT_FUNDS'],
  ['nethermind', 'AlreadyKnown', 'ACCEPTED'],
  ['nethermind', 'OldNonce, Current nonce: 5, nonce of rejected tx: 3', 'NONCE_USED'],
  ['nethermind', 'InsufficientFunds, Balance is 0 less than sending value + gas 21000000000000', 'INSUFFICIENT_FUNDS'],
  ['nethermind', 'NonceGap, Future nonce. Expected nonce: 5', 'TRANSIENT'],
  ['besu', 'Known transaction', 'ACCEPTED'],
  ['besu', 'Nonce too low', 'NONCE_USED'],
  ['besu', 'Replacement transaction underpriced', 'NONCE_USED'],
  ['besu', 'Upfront cost exceeds account balance', 'INSUFFICIENT_FUNDS'],
  ['edr', 'Known transaction: 0x7d3e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e', 'ACCEPTED'],
  [
    'edr',
    "Nonce too low. Expected nonce to be 5 but got 3. Note that transactions can't be queued when automining.",
    'NONCE_USED',
  ],
  [
    'edr',
    "Sender doesn't have enough funds to send tx. The max upfront cost is: 2100000000000000 and the sender's balance is: 0.",
    'INSUFFICIENT_FUNDS',
  ],
  ['any', 'request timed out', 'TRANSIENT'],
  ['any', 'fetch failed', 'TRANSIENT'],
];

describe('classifyBroadcastError (what a node said about a broadcast)', () => {
  for (const [node, message, kind] of cases) {
    it(`${node}: "${message.slice(0, 60)}" → ${kind}, bare and wrapped by viem`, () => {
      assert.equal(classifyBroadcastError(new Error(message)).kind, kind);
      assert.equal(classifyBroadcastError(viaViem(message)).kind, kind);
    });
  }

  it("reads viem's own typed errors, whose short message hides the node's words", () => {
    const low = new NonceTooLowError({ cause: new BaseError('nonce too low'), nonce: 3 });
    assert.equal(classifyBroadcastError(low).kind, 'NONCE_USED');
    const poor = new InsufficientFundsError({ cause: new BaseError('insufficient funds for gas * price + value') });
    assert.equal(classifyBroadcastError(poor).kind, 'INSUFFICIENT_FUNDS');
  });

  it('keeps at most 500 characters of the message, and treats anything unknown as transient', () => {
    const outcome = classifyBroadcastError(new Error(`odd node error ${'x'.repeat(2_000)}`));
    assert.equal(outcome.kind, 'TRANSIENT');
    assert.ok(outcome.kind === 'TRANSIENT' && outcome.message.length <= 500);
    assert.equal(classifyBroadcastError(undefined).kind, 'TRANSIENT');
    assert.equal(classifyBroadcastError('a string').kind, 'TRANSIENT');
  });

  it('follows a cause chain only so deep (a cyclic cause cannot loop forever)', () => {
    const a = new Error('outer') as Error & { cause?: unknown };
    const b = new Error('inner') as Error & { cause?: unknown };
    a.cause = b;
    b.cause = a;
    assert.equal(classifyBroadcastError(a).kind, 'TRANSIENT');
  });
});

describe('withTimeout', () => {
  it('passes the value through, or rejects naming what timed out', async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 1_000, 'x'), 7);
    await assert.rejects(
      withTimeout(new Promise(() => {}), 5, 'eth_sendRawTransaction'),
      /eth_sendRawTransaction timed out after 5 ms/,
    );
  });
});
