// A real HTTP webhook receiver for tests: records every request (raw body bytes and headers) and
// answers as told. It can go down and come back (outage tests): while down it keeps its port and
// drops every connection as it arrives, so the sender sees connection failures and no answer. (Closing
// the port instead would let another process on the machine take it in the meantime, and the
// "outage" would then be answered by whatever listens there.)
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: string;
  at: number;
}

export type Responder = (
  req: ReceivedRequest,
) => { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: Responder = () => ({ status: 200, body: 'ok' });
  /** Requests being answered right now (hanging ones included). */
  open = 0;
  maxOpen = 0;
  private server: http.Server | undefined;
  private port = 0;
  private down = false;
  private readonly sockets = new Set<import('node:net').Socket>();
  private waiters: Array<() => void> = [];
  private readonly hanging = new Set<http.ServerResponse>();

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      this.open += 1;
      this.maxOpen = Math.max(this.maxOpen, this.open);
      res.on('close', () => {
        this.open -= 1;
        this.hanging.delete(res);
      });
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = {
          method: req.method!,
          path: req.url!,
          headers: req.headers,
          raw: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.requests.push(received);
        for (const w of this.waiters.splice(0)) w();
        const answer = this.respond(received);
        if (answer === 'hang') {
          this.hanging.add(res);
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      });
    });
    this.server.on('connection', (socket) => {
      if (this.down) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  get portNumber(): number {
    return this.port;
  }

  /** An outage: every open connection is dropped, and every new one as it arrives; the port stays ours. */
  goDown(): void {
    this.down = true;
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.destroy();
  }

  /** Back from the outage, on the same port. */
  comeBack(): void {
    this.down = false;
  }

  /** Stops listening and drops every connection. */
  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `predicate` holds over the requests received (checked on every request). */
  async waitFor(predicate: (requests: ReceivedRequest[]) => boolean, what: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.requests)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (received ${this.requests.length} requests)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Parsed bodies. */
  bodies(): Array<{ userId: string | null; event: string; id: string; data: Record<string, unknown> }> {
    return this.requests.map((r) => JSON.parse(r.raw));
  }
}
