// POST /sandbox/rpc/ethereum and /sandbox/rpc/polygon: standard JSON-RPC over HTTP to the sandbox
// chains, for a partner's wallet ("add network" with this URL and the chain id) or scripts. The body
// is parsed here rather than by Fastify so that malformed JSON gets a JSON-RPC parse error, which
// is what wallet libraries understand, instead of an API error body.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { NETWORKS, type Network } from '../../chains/networks.ts';
import { answer, MAX_BATCH } from './rpc.ts';
import { sandboxRpcPath } from './remote.ts';
import { SANDBOX_CHAIN_IDS, SandboxChains } from './sandbox-chains.ts';

/** Room for a batch of requests or a contract deployment, and no more. */
export const RPC_BODY_LIMIT_BYTES = 512 * 1024;

const CORS_HEADERS = {
  // Public, read-mostly data of a sandbox: any web page may call it, as with public RPC endpoints.
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

type RpcHandler = (request: FastifyRequest, reply: FastifyReply, network: Network) => Promise<FastifyReply>;

/**
 * Registered in sandbox mode: by the process that runs the sandbox chains, and by the other sandbox
 * processes of a multi-process sandbox (ONRAMP_SANDBOX_URL), which pass the calls on to that process.
 */
export function registerSandboxChainRoutes(app: App, ctx: AppContext): void {
  const chains = ctx.chains;
  const ownerUrl = ctx.config.ops.sandboxUrl;
  if (chains instanceof SandboxChains)
    registerRpcRoutes(app, (request, reply, network) => handle(request, reply, chains, network));
  else if (ctx.config.mode === 'sandbox' && ownerUrl !== undefined)
    registerRpcRoutes(app, (request, reply, network) =>
      forward(request, reply, `${ownerUrl}${sandboxRpcPath(network)}`, ctx.config.chains.rpcTimeoutMs),
    );
}

function registerRpcRoutes(app: App, handler: RpcHandler): void {
  // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin; the rule cannot see its types
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: RPC_BODY_LIMIT_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    for (const network of NETWORKS) {
      const url = `/sandbox/rpc/${network.toLowerCase()}`;
      scope.post(
        url,
        {
          config: { auth: 'public', tag: 'Sandbox' },
          schema: {
            operationId: `callSandbox${network === 'ETHEREUM' ? 'Ethereum' : 'Polygon'}Rpc`,
            summary: `JSON-RPC of the sandbox ${network === 'ETHEREUM' ? 'Ethereum' : 'Polygon'} chain (chain id ${SANDBOX_CHAIN_IDS[network]})`,
            description: [
              `Standard Ethereum JSON-RPC over HTTP (one request or a batch of up to ${MAX_BATCH}), for wallets and scripts:`,
              'read balances, blocks, receipts and logs, call contracts, estimate gas, and send your own signed transactions',
              'with `eth_sendRawTransaction` (mined at once, kept across restarts). Methods that would change the chain for',
              'everyone (`hardhat_*`, `evm_*`), node-side signing and filters are refused with error -32601.',
              'See docs/chains.md.',
            ].join(' '),
          },
        },
        (request, reply) => handler(request, reply, network),
      );
      scope.options(url, { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
        reply.code(204).headers(CORS_HEADERS).send(),
      );
    }
  });
}

async function handle(
  request: FastifyRequest,
  reply: FastifyReply,
  chains: SandboxChains,
  network: Network,
): Promise<FastifyReply> {
  reply.headers(CORS_HEADERS);
  let body: unknown;
  try {
    body = JSON.parse(typeof request.body === 'string' ? request.body : '');
  } catch {
    return reply
      .code(200)
      .type('application/json')
      .send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the body is not valid JSON' } });
  }
  const result = await answer(
    body,
    (call) => chains.rpcRequest(network, call),
    (error, method) => request.log.error({ err: error, network, method }, 'sandbox RPC request failed unexpectedly'),
  );
  if (result === undefined) return reply.code(204).send();
  return reply.code(200).type('application/json').send(result);
}

/** Passes a JSON-RPC call on to the process that runs the sandbox chains, answer and status as they come. */
async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  url: string,
  timeoutMs: number,
): Promise<FastifyReply> {
  reply.headers(CORS_HEADERS);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof request.body === 'string' ? request.body : '',
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    const text = await res.text();
    return reply
      .code(res.status)
      .type(res.headers.get('content-type') ?? 'application/json')
      .send(text);
  } catch (error) {
    request.log.warn({ err: error }, 'sandbox RPC: the process running the sandbox chains did not answer');
    return reply
      .code(502)
      .type('application/json')
      .send({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32603, message: 'The process running the sandbox chains did not answer; try again' },
      });
  }
}
