// The production JSON-RPC transport: viem's http transport with a per-request timeout and bounded,
// backed-off retries, whose errors never carry the endpoint's full URL. Providers put API keys in
// the URL path (https://eth-mainnet.example.com/v2/<key>); viem writes the URL into error messages
// and an error's `url` field, and a logged error would leak it.
import { http, type Transport } from 'viem';

export interface RpcTransportOptions {
  timeoutMs: number;
  retryCount: number;
}

/** `https://host:port/***`: enough for an operator to tell which endpoint failed. */
export function displayRpcUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/***`;
}

export function rpcTransport(url: string, options: RpcTransportOptions): Transport {
  const inner = http(url, { timeout: options.timeoutMs, retryCount: options.retryCount, retryDelay: 250 });
  const host = new URL(url).host;
  const shown = displayRpcUrl(url);
  // Any URL on this host, with or without credentials, whatever its path.
  const pattern = new RegExp(`https?://[^\\s"'<>]*?${escapeRegExp(host)}[^\\s"'<>]*`, 'g');
  return ((params) => {
    const transport = inner(params);
    const request: typeof transport.request = async (args, requestOptions) => {
      try {
        return await transport.request(args, requestOptions);
      } catch (error) {
        throw scrub(error, pattern, shown, 0);
      }
    };
    return { ...transport, request, value: { url: shown } };
  }) as Transport;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const TEXT_FIELDS = ['message', 'shortMessage', 'details', 'url', 'stack'] as const;

function scrub(error: unknown, pattern: RegExp, shown: string, depth: number): unknown {
  if (depth > 8 || typeof error !== 'object' || error === null) return error;
  const fields = error as Record<string, unknown>;
  for (const key of TEXT_FIELDS) {
    const value = fields[key];
    if (typeof value === 'string') fields[key] = value.replace(pattern, shown);
  }
  const meta = fields.metaMessages;
  if (Array.isArray(meta))
    fields.metaMessages = meta.map((m: unknown) => (typeof m === 'string' ? m.replace(pattern, shown) : m));
  scrub(fields.cause, pattern, shown, depth + 1);
  return error;
}
