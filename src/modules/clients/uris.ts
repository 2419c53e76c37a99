// The URLs a client registers: redirect URIs (where Plaid Link's OAuth flow returns), allowed origins
// (browsers calling from them) and Android package names. https only in production (http also for
// localhost), no credentials or fragments; origins are bare scheme://host[:port].
import type { Mode } from '../../config.ts';
import { AppError } from '../../errors/app-error.ts';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const ANDROID_PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

function invalid(field: string, rule: string, message: string): AppError {
  return new AppError('INVALID_BODY', { message, data: { field, rule } });
}

/** The URL as stored (an origin is reduced to scheme://host[:port]); INVALID_BODY naming `field` otherwise. */
export function checkClientUrl(mode: Mode, value: string, field: string, kind: 'origin' | 'uri'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, 'url', `\`${field}\` must hold absolute URLs (got ${JSON.stringify(value)})`);
  }
  const httpOk = mode === 'sandbox' || LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpOk))
    throw invalid(field, 'https', `\`${field}\` must use https:// (http:// only in sandbox mode or for localhost)`);
  if (url.username || url.password || url.hash)
    throw invalid(field, 'plain', `\`${field}\` must not carry credentials or a #fragment`);
  if (kind === 'uri') return value;
  if (url.pathname !== '/' || url.search || value.endsWith('/'))
    throw invalid(field, 'origin', `\`${field}\` must hold origins only, such as https://app.example.com (no path)`);
  return url.origin;
}

export function checkAndroidPackage(value: string, field: string): string {
  if (value.length > 200 || !ANDROID_PACKAGE.test(value))
    throw invalid(field, 'androidPackage', `\`${field}\` must hold package names such as com.example.wallet`);
  return value;
}

/** A list as stored: each entry checked, duplicates dropped, order kept. */
export function checkClientList(values: string[], check: (value: string) => string): string[] {
  return [...new Set(values.map(check))];
}
