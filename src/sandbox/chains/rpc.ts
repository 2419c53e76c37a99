// The public JSON-RPC of the sandbox chains (POST /sandbox/rpc/ethereum|polygon), shared by every
// partner of this server. What is allowed is what a wallet, a block explorer or a script needs to
// read the chain and send its own signed transactions; anything that would change the chain for
// everyone else (reset, time travel, balance or code edits, impersonation, mining, node-side
// signing with the server's keys) or keep per-caller state on the shared node is refused.
import { RpcError, type RpcCall } from './sandbox-chain.ts';

/** Methods answered by the chain. Everything else is refused with -32601. */
export const ALLOWED_METHODS: ReadonlySet<string> = new Set([
  'web3_clientVersion',
  'web3_sha3',
  'net_version',
  'net_listening',
  'eth_chainId',
  'eth_syncing',
  'eth_blockNumber',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_blobBaseFee',
  'eth_feeHistory',
  'eth_getBalance',
  'eth_getCode',
  'eth_getStorageAt',
  'eth_getTransactionCount',
  'eth_getProof',
  'eth_call',
  'eth_estimateGas',
  'eth_createAccessList',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getBlockTransactionCountByNumber',
  'eth_getBlockTransactionCountByHash',
  'eth_getTransactionByHash',
  'eth_getTransactionByBlockHashAndIndex',
  'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionReceipt',
  'eth_getLogs',
  // Recorded and replayed at restart like our own payouts.
  'eth_sendRawTransaction',
  // Answered here: the node manages no accounts for callers.
  'eth_accounts',
]);

/** Answered without asking the chain. */
const LOCAL_RESULTS: ReadonlyMap<string, unknown> = new Map([['eth_accounts', []]]);

/** Why some well-known methods are refused, so the error tells the caller. */
const REFUSAL_REASONS: Array<[RegExp, string]> = [
  [/^(hardhat_|evm_|anvil_|debug_setHead)/, 'it would change the chain for every partner of this sandbox'],
  [
    /^(eth_sendTransaction|eth_sign|eth_signTransaction|eth_signTypedData.*|personal_.*)$/,
    'the sandbox node holds no keys for callers: sign locally and use eth_sendRawTransaction',
  ],
  [
    /^(eth_newFilter|eth_newBlockFilter|eth_newPendingTransactionFilter|eth_getFilterChanges|eth_getFilterLogs|eth_uninstallFilter)$/,
    'filters keep per-caller state on a shared node: poll with eth_getLogs and eth_blockNumber',
  ],
  [/^(eth_subscribe|eth_unsubscribe)$/, 'subscriptions need a WebSocket; poll over HTTP instead'],
  [/^debug_/, 'tracing is not offered on the shared sandbox node'],
];

export function refusal(method: string): RpcError | undefined {
  if (ALLOWED_METHODS.has(method)) return undefined;
  const reason = REFUSAL_REASONS.find(([pattern]) => pattern.test(method))?.[1];
  return new RpcError(
    -32601,
    reason
      ? `${method} is not available on the onramp sandbox RPC: ${reason}`
      : `${method} is not available on the onramp sandbox RPC`,
  );
}

export const MAX_BATCH = 100;
const MAX_METHOD_LENGTH = 100;

type Id = string | number | null;
export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: Id;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export type Execute = (call: RpcCall) => Promise<unknown>;
export type OnUnexpected = (error: unknown, method: string) => void;

/** Answers a JSON-RPC body (one request or a batch); undefined when only notifications were sent. */
export async function answer(
  body: unknown,
  execute: Execute,
  onUnexpected: OnUnexpected,
): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined> {
  if (Array.isArray(body)) {
    if (body.length === 0) return failure(null, new RpcError(-32600, 'Invalid request: an empty batch'));
    if (body.length > MAX_BATCH)
      return failure(null, new RpcError(-32005, `A batch may hold at most ${MAX_BATCH} requests (got ${body.length})`));
    // In order, not in parallel: two transactions from one sender in a batch must keep their order.
    const answers: JsonRpcResponse[] = [];
    for (const item of body) {
      const one = await answerOne(item, execute, onUnexpected);
      if (one) answers.push(one);
    }
    return answers.length > 0 ? answers : undefined;
  }
  return answerOne(body, execute, onUnexpected);
}

async function answerOne(
  item: unknown,
  execute: Execute,
  onUnexpected: OnUnexpected,
): Promise<JsonRpcResponse | undefined> {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    return failure(null, new RpcError(-32600, 'Invalid request: expected a JSON-RPC request object'));
  const request = item as Record<string, unknown>;
  const hasId = 'id' in request;
  const id = request.id;
  if (hasId && id !== null && typeof id !== 'string' && typeof id !== 'number')
    return failure(null, new RpcError(-32600, 'Invalid request: id must be a string, a number or null'));
  const replyId: Id = hasId ? (id as Id) : null;
  if (request.jsonrpc !== '2.0')
    return failure(replyId, new RpcError(-32600, 'Invalid request: jsonrpc must be "2.0"'));
  const { method, params } = request;
  if (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH) {
    return failure(
      replyId,
      new RpcError(-32600, `Invalid request: method must be a string of 1 to ${MAX_METHOD_LENGTH} characters`),
    );
  }
  if (params !== undefined && !Array.isArray(params))
    return failure(replyId, new RpcError(-32602, 'Invalid params: params must be an array'));
  let response: JsonRpcResponse;
  const refused = refusal(method);
  if (refused) response = failure(replyId, refused);
  else {
    try {
      const result = LOCAL_RESULTS.has(method)
        ? LOCAL_RESULTS.get(method)
        : await execute({ method, params: params ?? [] });
      response = { jsonrpc: '2.0', id: replyId, result: result ?? null };
    } catch (error) {
      response = failure(replyId, toRpcError(error, method, onUnexpected));
    }
  }
  // A notification (no id) gets no answer, though it was carried out.
  return hasId ? response : undefined;
}

function failure(id: Id, error: RpcError): JsonRpcResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: { code: error.code, message: error.message, ...(error.data !== undefined ? { data: error.data } : {}) },
  };
}

/**
 * The EVM's own errors (EDR ProviderError and its subclasses carry a JSON-RPC code) pass through
 * with their message and, when it is revert data (hex), their data. Anything else is unexpected:
 * logged and answered as -32603 without details.
 */
export function toRpcError(error: unknown, method: string, onUnexpected: OnUnexpected): RpcError {
  if (error instanceof RpcError) return error;
  const e = error as { code?: unknown; message?: unknown; data?: unknown; name?: unknown };
  if (typeof e?.code === 'number' && Number.isInteger(e.code) && typeof e.message === 'string') {
    const data = typeof e.data === 'string' && /^0x[0-9a-fA-F]*$/.test(e.data) ? e.data : revertData(e.data);
    return new RpcError(e.code, e.message, data);
  }
  // Hardhat checks request parameters itself and throws its own error type for some of them.
  if (e?.name === 'HardhatError' && typeof e.message === 'string' && /param/i.test(e.message)) {
    return new RpcError(-32602, `Invalid params: ${e.message.replace(/^HHE\d+:\s*/, '')}`);
  }
  onUnexpected(error, method);
  return new RpcError(-32603, 'Internal error');
}

function revertData(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && typeof (data as { data?: unknown }).data === 'string') {
    const inner = (data as { data: string }).data;
    if (/^0x[0-9a-fA-F]*$/.test(inner)) return inner;
  }
  return undefined;
}
