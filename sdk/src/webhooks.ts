// verifyWebhook: checks an onramp webhook request over its raw body, with both signature schemes
// onramp sends (docs/webhooks.md), and returns the typed event.
//
//   ratio-webhook-signature            hex HMAC-SHA512 of `${timestamp}.${body}`, keyed with the secret
//                                      string as shown (whsec_…); comma-separated during a rotation
//   ratio-webhook-signature-timestamp  Unix seconds
//   webhook-id / webhook-timestamp     Standard Webhooks: the event id, Unix seconds
//   webhook-signature                  `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, keyed with
//                                      the base64-decoded bytes after whsec_; space-separated during a rotation
//
// Every scheme whose headers are present must verify, at least one must be present, and the timestamp
// must be within `toleranceSeconds` of now (replay protection). Web Crypto only: runs in Node ≥ 20,
// Deno, Bun, edge runtimes.
import type { ActivityItem, BankAccount, Kyc } from './generated/types.gen.js';

export type WebhookEvent =
  | { event: 'ACTIVITY_UPDATED'; id: string; userId: string; data: ActivityItem }
  | { event: 'BANK_UPDATED'; id: string; userId: string; data: BankAccount }
  | { event: 'KYC_UPDATED'; id: string; userId: string; data: Kyc }
  | {
      event: 'WEBHOOK_TEST';
      id: string;
      userId: null;
      data: { webhookId: string; message: string; createTime: string };
    };

/** The event of one type: `WebhookEventOf<'ACTIVITY_UPDATED'>` has `data: ActivityItem`. */
export type WebhookEventOf<T extends WebhookEvent['event']> = Extract<WebhookEvent, { event: T }>;

export type WebhookHeaders =
  | Headers
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null | undefined };

export interface VerifyWebhookOptions {
  /** How far the signature timestamp may be from now (default 300 s). */
  toleranceSeconds?: number;
  /** The time to compare with (default: now). */
  now?: Date;
}

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(',') : value;
}

const encoder = new TextEncoder();

async function hmac(hash: 'SHA-256' | 'SHA-512', key: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, message as BufferSource));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Constant-time comparison of equal-length byte strings. */
function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function checkTimestamp(timestamp: string, options: VerifyWebhookOptions): void {
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('the signature timestamp is not Unix seconds');
  const tolerance = options.toleranceSeconds ?? 300;
  const now = (options.now ?? new Date()).getTime() / 1000;
  if (Math.abs(now - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError(
      `the signature timestamp is more than ${tolerance} s from now: a replay or a wrong clock`,
    );
  }
}

async function ratioValid(body: Uint8Array, secret: string, timestamp: string, given: string): Promise<boolean> {
  const expected = hex(await hmac('SHA-512', encoder.encode(secret), concat(encoder.encode(`${timestamp}.`), body)));
  return given.split(',').some((signature) => equal(encoder.encode(signature.trim()), encoder.encode(expected)));
}

async function standardValid(body: Uint8Array, secret: string, id: string, timestamp: string, given: string) {
  const key = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  const expected = base64(await hmac('SHA-256', key, concat(encoder.encode(`${id}.${timestamp}.`), body)));
  return given
    .split(' ')
    .map((entry) => entry.trim())
    .some((entry) => entry.startsWith('v1,') && equal(encoder.encode(entry.slice(3)), encoder.encode(expected)));
}

/**
 * Verifies a webhook request and returns its event. `rawBody` is the body exactly as received (read it
 * before any JSON parsing); `secret` is the webhook's `whsec_…` secret. Throws WebhookVerificationError.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const ratio = header(headers, 'ratio-webhook-signature');
  const ratioTimestamp = header(headers, 'ratio-webhook-signature-timestamp');
  const standard = header(headers, 'webhook-signature');
  const id = header(headers, 'webhook-id');
  const standardTimestamp = header(headers, 'webhook-timestamp');
  if (!ratio && !standard) throw new WebhookVerificationError('no onramp signature headers on this request');
  if (ratio) {
    if (!ratioTimestamp) throw new WebhookVerificationError('ratio-webhook-signature-timestamp is missing');
    checkTimestamp(ratioTimestamp, options);
    if (!(await ratioValid(body, secret, ratioTimestamp, ratio))) {
      throw new WebhookVerificationError(
        'ratio-webhook-signature does not match: wrong secret, or the body was changed',
      );
    }
  }
  if (standard) {
    if (!id || !standardTimestamp) throw new WebhookVerificationError('webhook-id or webhook-timestamp is missing');
    checkTimestamp(standardTimestamp, options);
    if (!(await standardValid(body, secret, id, standardTimestamp, standard))) {
      throw new WebhookVerificationError('webhook-signature does not match: wrong secret, or the body was changed');
    }
  }
  let event: WebhookEvent;
  try {
    event = JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('the body is not JSON');
  }
  if (id && event.id !== id) throw new WebhookVerificationError('webhook-id does not match the event id');
  return event;
}
