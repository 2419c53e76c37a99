// One HTTP POST to a webhook receiver: bounded in time (the whole exchange, not just the connection),
// redirects never followed, a bounded amount of the answer read, and every address checked against
// the target policy at connect time — by a custom DNS lookup on the agents, and directly for URLs
// whose host is an IP literal (Node does not look those up).
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { refusedAddress, type TargetPolicy } from './targets.ts';

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  /** The start of the response body (at most SNIPPET_CHARS characters). */
  snippet: string | null;
  error: string | null;
  /** 2xx within the timeout. */
  ok: boolean;
}

export const SNIPPET_CHARS = 500;
/** A receiver's answer is read up to this many bytes; a longer one is cut off (the socket is dropped). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export class TargetRefusedError extends Error {
  readonly code = 'ETARGETREFUSED';
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** dns.lookup, refusing names that resolve (even partly) to an address the policy refuses. */
export function guardedLookup(policy: Pick<TargetPolicy, 'allowLoopback'>, resolve: typeof dns.lookup = dns.lookup) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const reason = refusedAddress(a.address, policy);
        if (reason)
          return callback(
            new TargetRefusedError(`${hostname} resolves to ${a.address}, ${reason}: webhooks are not sent there`),
            [],
          );
      }
      if (list.length === 0)
        return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export interface SenderOptions {
  policy: TargetPolicy;
  timeoutMs: number;
  /** Sockets kept open per receiver host (keep-alive). */
  maxSocketsPerHost: number;
  userAgent?: string;
  /** Name resolution (tests can resolve a name to a chosen address). */
  lookup?: typeof dns.lookup;
}

/** Targets whose parsing and address check are remembered (a few registrations receive most attempts). */
const TARGET_CACHE_ENTRIES = 1000;

type Target = { url: URL; isHttps: boolean } | { error: string };

export class WebhookSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly targets = new Map<string, Target>();

  constructor(private readonly opts: SenderOptions) {
    const lookup = guardedLookup(opts.policy, opts.lookup) as unknown as net.LookupFunction;
    const common = {
      keepAlive: true,
      maxSockets: opts.maxSocketsPerHost,
      maxFreeSockets: opts.maxSocketsPerHost,
      lookup,
    };
    this.httpAgent = new http.Agent(common);
    this.httpsAgent = new https.Agent(common);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** The URL parsed and, for an IP literal, checked against the policy (the same answer every time). */
  private target(target: string): Target {
    const known = this.targets.get(target);
    if (known) return known;
    let result: Target;
    try {
      const url = new URL(target);
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      const reason = net.isIP(host) !== 0 ? refusedAddress(host, this.opts.policy) : null;
      result = reason
        ? { error: `${host} is ${reason}: webhooks are not sent there` }
        : { url, isHttps: url.protocol === 'https:' };
    } catch {
      result = { error: 'invalid URL' };
    }
    if (this.targets.size >= TARGET_CACHE_ENTRIES) this.targets.clear();
    this.targets.set(target, result);
    return result;
  }

  async post(target: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    const done = (r: Omit<SendResult, 'latencyMs' | 'ok'>): SendResult => ({
      ...r,
      latencyMs: Math.round(performance.now() - started),
      ok: r.error === null && r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300,
    });
    const parsed = this.target(target);
    if ('error' in parsed) return done({ statusCode: null, snippet: null, error: parsed.error });
    const { url, isHttps } = parsed;
    const payload = Buffer.from(body, 'utf8');

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      let timedOut = false;
      const timeoutMessage = `ETIMEDOUT: no complete answer within ${this.opts.timeoutMs} ms`;
      const finish = (r: Omit<SendResult, 'latencyMs' | 'ok'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(done(r));
      };
      const request = (isHttps ? https : http).request(
        url,
        {
          method: 'POST',
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(payload.length),
            'user-agent': this.opts.userAgent ?? 'onramp-webhooks/1',
          },
        },
        (response) => {
          const status = response.statusCode ?? null;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
            else response.destroy();
          });
          const end = () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const snippet = text.length > 0 ? text.slice(0, SNIPPET_CHARS) : null;
            let error: string | null = null;
            if (timedOut) error = timeoutMessage;
            else if (status !== null && status >= 300 && status < 400) {
              error = `redirect ${status} not followed${response.headers.location ? ` (Location: ${String(response.headers.location).slice(0, 200)})` : ''}`;
            }
            finish({ statusCode: status, snippet, error });
          };
          response.on('end', end);
          response.on('close', end);
          response.on('error', end);
        },
      );
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(new Error(timeoutMessage));
      }, this.opts.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code && !error.message.includes(error.code) ? `${error.code}: ` : '';
        finish({
          statusCode: null,
          snippet: null,
          error: timedOut ? timeoutMessage : `${code}${error.message}`.slice(0, 500),
        });
      });
      request.end(payload);
    });
  }
}
