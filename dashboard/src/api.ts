// Calls to /dashboard/api: same-origin, the session cookie sent by the browser, the session's CSRF
// token on every write. Errors keep the API's { code, message, data }.
export interface ApiErrorBody {
  code: string;
  message: string;
  data?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/dashboard/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({ code: 'INTERNAL', message: `HTTP ${res.status}` }))) as unknown;
  if (!res.ok) {
    const error = new ApiError(res.status, json as ApiErrorBody);
    if (res.status === 401 && error.body.code === 'DASHBOARD_SIGN_IN_REQUIRED') onSignedOut();
    throw error;
  }
  return json as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  delete: (path: string) => call<void>('DELETE', path),
};

export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export interface Session {
  member: { id: string; email: string; role: 'ADMIN' | 'VIEWER' };
  client: { id: string; name: string };
  memberships: Array<{ clientId: string; clientName: string; role: 'ADMIN' | 'VIEWER' }>;
  csrfToken: string;
  expireTime: string;
  idleExpireTime: string;
  mode: 'sandbox' | 'production';
}
