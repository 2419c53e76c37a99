// The Onramp client: the generated operations (`onramp.api.*`, one per operationId, typed from the
// OpenAPI document) behind a transport that knows what a generator cannot —
// - client credentials on every call, the session JWT when there is one, and the fresh JWT from
//   `ratio-authentication-refresh` (or from a sign-in answer) used from then on;
// - an Idempotency-Key on every write whose operation honours one (money-moving and identity-changing
//   writes), unless the call gives its own, and retries only where that key (or a GET) makes them safe;
// - OnrampError / OnrampConnectionError instead of raw bodies.
// One instance holds one user session: a server acting for many users makes one per user with
// withSession(jwt), which shares the configuration.
import { toOnrampError } from './errors.js';
import { createClient, createConfig } from './generated/client/index.js';
import { IDEMPOTENT_OPERATIONS } from './generated/operations.gen.js';
import { OnrampApi } from './generated/sdk.gen.js';
import type { FirstFactorAuthResponse } from './generated/types.gen.js';
import { OnrampSandbox } from './sandbox.js';
import { DEFAULT_RETRY, markKeyed, type RetryOptions, retryingFetch } from './transport.js';
import { signChallenge, signerAddress, type WalletSigner } from './wallet.js';

export interface OnrampOptions {
  /** The server, e.g. http://127.0.0.1:3000 (npm start prints it). */
  baseUrl: string;
  clientId: string;
  /** Server-to-server: your client secret. Never ship it to a browser or an app. */
  clientSecret?: string;
  /** Embedded front ends: a ratio-client-session-id from POST /v1/client/sessions, instead of the secret. */
  clientSessionId?: string;
  /** A user session to continue (a sessionJwt from an earlier sign-in). */
  sessionJwt?: string;
  /** Called whenever the session JWT changes (sign-in, refresh, sign-out): persist it if you keep sessions. */
  onSessionJwt?: (sessionJwt: string | undefined) => void;
  /** Per attempt, default 30 000 ms. */
  timeoutMs?: number;
  /** Retry policy, or false for none. */
  retry?: RetryOptions | false;
  /** Idempotency keys for writes that honour them (default crypto.randomUUID). */
  idempotencyKey?: () => string;
  fetch?: typeof fetch;
}

const REFRESH_HEADER = 'ratio-authentication-refresh';

export class Onramp {
  /** Every API operation, named by its operationId: `onramp.api.createUser({ body })`. Answers the body or throws OnrampError. */
  readonly api: OnrampApi;
  /** Sandbox helpers (test values, Plaid Link without a browser). */
  readonly sandbox: OnrampSandbox;
  readonly #options: OnrampOptions;
  #sessionJwt: string | undefined;

  constructor(options: OnrampOptions) {
    if (!options.clientSecret && !options.clientSessionId) {
      throw new Error('Onramp needs clientSecret (on a server) or clientSessionId (in a front end)');
    }
    this.#options = options;
    this.#sessionJwt = options.sessionJwt;
    const retry =
      options.retry === false ? { ...DEFAULT_RETRY, maxRetries: 0 } : { ...DEFAULT_RETRY, ...options.retry };
    const client = createClient(
      createConfig({
        baseUrl: options.baseUrl.replace(/\/+$/, ''),
        throwOnError: true,
        fetch: retryingFetch({
          fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
          timeoutMs: options.timeoutMs ?? 30_000,
          retry,
        }) as typeof fetch,
      }),
    );
    client.interceptors.request.use((request, opts) => this.#prepare(request, `${opts.method} ${opts.url}`));
    client.interceptors.response.use(async (response, request) => this.#observe(response, request));
    client.interceptors.error.use((error, response, request) => toOnrampError(error, response, request));
    this.api = new OnrampApi({ client });
    this.sandbox = new OnrampSandbox(this.api);
  }

  /** The current user session JWT, if any. */
  get sessionJwt(): string | undefined {
    return this.#sessionJwt;
  }

  /** Replaces the session JWT (undefined: no user session). */
  setSessionJwt(sessionJwt: string | undefined): void {
    if (sessionJwt === this.#sessionJwt) return;
    this.#sessionJwt = sessionJwt;
    this.#options.onSessionJwt?.(sessionJwt);
  }

  /** A client for another user session (or none), with the same configuration. */
  withSession(sessionJwt?: string): Onramp {
    const { sessionJwt: _current, ...rest } = this.#options;
    return new Onramp({ ...rest, ...(sessionJwt ? { sessionJwt } : {}) });
  }

  /**
   * Signs in with an EVM wallet: cryptoWallet:start, personal_sign of the EIP-4361 challenge,
   * cryptoWallet:authenticate. The session JWT is kept (and added to an existing session, when this
   * client has one). `userMask` is present when the wallet already belongs to a user.
   */
  async signInWithWallet(signer: WalletSigner, options: { address?: string } = {}): Promise<FirstFactorAuthResponse> {
    const address = await signerAddress(signer, options.address);
    const wallet = { walletAddress: address, walletType: 'EVM' as const };
    const { challenge } = await this.api.startWalletSignIn({ body: wallet });
    const signature = await signChallenge(signer, address, challenge);
    return this.api.authenticateWallet({ body: { ...wallet, signature } });
  }

  #prepare(request: Request, operation: string): Request {
    const o = this.#options;
    const set = (name: string, value: string | undefined) => {
      if (value !== undefined && !request.headers.has(name)) request.headers.set(name, value);
    };
    set('ratio-client-id', o.clientId);
    if (o.clientSecret) set('ratio-client-secret', o.clientSecret);
    else set('ratio-client-session-id', o.clientSessionId);
    if (this.#sessionJwt) set('authorization', `Bearer ${this.#sessionJwt}`);
    if (IDEMPOTENT_OPERATIONS.has(operation)) {
      set('idempotency-key', (o.idempotencyKey ?? (() => crypto.randomUUID()))());
      markKeyed(request);
    }
    return request;
  }

  /** Adopts the JWT a response carries: a refresh header, a sign-in answer, or none after sign-out. */
  async #observe(response: Response, request: Request): Promise<Response> {
    const refreshed = response.headers.get(REFRESH_HEADER);
    if (refreshed) this.setSessionJwt(refreshed);
    const path = new URL(request.url).pathname;
    if (!response.ok || !path.startsWith('/v1/auth/')) return response;
    if (request.method === 'DELETE' && path === '/v1/auth/session') {
      this.setSessionJwt(undefined);
    } else if ((response.headers.get('content-type') ?? '').includes('application/json')) {
      const body = (await response.clone().json()) as { sessionJwt?: unknown };
      if (typeof body.sessionJwt === 'string') this.setSessionJwt(body.sessionJwt);
    }
    return response;
  }
}
