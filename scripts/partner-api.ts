// What the scripts that act as a partner over HTTP share (scripts/journey.ts, scripts/crash-test.ts):
// a request with the client's credentials and the user's session JWT, and polling until a state is reached.

export interface PartnerClient {
  base: string;
  id: string;
  secret: string;
}

export interface Answer {
  status: number;
  json: Record<string, any>;
  /** A fresh session JWT from `ratio-authentication-refresh`, when the server sent one. */
  refreshedJwt?: string;
}

/** One API call as a partner makes it: client id + secret, the bearer JWT if any, a JSON body, 30 s timeout. */
export async function partnerRequest(
  client: PartnerClient,
  method: string,
  url: string,
  body?: unknown,
  extra: Record<string, string> = {},
  jwt?: string,
): Promise<Answer> {
  const headers: Record<string, string> = {
    'ratio-client-id': client.id,
    'ratio-client-secret': client.secret,
    ...extra,
  };
  if (jwt) headers.authorization = `Bearer ${jwt}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(client.base + url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const refreshedJwt = res.headers.get('ratio-authentication-refresh') ?? undefined;
  return { status: res.status, json: text ? JSON.parse(text) : {}, ...(refreshedJwt ? { refreshedJwt } : {}) };
}

/** The answer's body, or an error naming the call, the status and the API's code and message. */
export function expectOk(method: string, url: string, answer: Answer): Record<string, any> {
  if (answer.status >= 300)
    throw new Error(`${method} ${url} → ${answer.status} ${answer.json.code ?? ''}: ${answer.json.message ?? ''}`);
  return answer.json;
}

/** Polls `probe` every `intervalMs` until it returns a value, for at most `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
