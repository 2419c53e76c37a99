// Helpers for webhook tests: a partner (client) of its own, a registration pointing at a receiver,
// events published through the outbox, and verification of both signature schemes exactly as a
// partner would do it (the Ratio docs' HMAC-SHA512 and the official Standard Webhooks library).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { EventData, EventType } from '../src/modules/events/publish.ts';
import { createClient } from '../src/modules/clients/create-client.ts';
import { insertUser, type TestUser } from './auth.ts';
import type { TestApp } from './helpers.ts';
import type { ReceivedRequest } from './webhook-receiver.ts';

export interface Partner {
  clientId: string;
  headers: Record<string, string>;
}

export async function newPartner(t: TestApp, name = 'Webhook partner'): Promise<Partner> {
  const c = await createClient(t.db.db, t.config.mode, { name });
  return { clientId: c.clientId, headers: { 'ratio-client-id': c.clientId, 'ratio-client-secret': c.clientSecret } };
}

export async function register(
  t: TestApp,
  partner: Partner,
  body: { url: string; events: string[]; name?: string },
): Promise<{ id: string; secret: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: partner.headers, payload: body });
  if (res.statusCode !== 201) throw new Error(`create webhook: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function userOf(t: TestApp, partner: Partner): Promise<TestUser> {
  return insertUser(t, { clientId: partner.clientId });
}

/**
 * A test event's data. Fixtures carry only the fields the test reads: webhook delivery never looks
 * inside `data` (it signs and sends the bytes), so the rest of the API object is left out on purpose.
 */
export function fixtureData<T extends EventType>(_type: T, data: Partial<EventData[T]>): EventData[T] {
  return data as EventData[T];
}

/** Publishes through the outbox, as a domain change would (in its own transaction). */
export async function publish<T extends EventType>(
  t: TestApp,
  userId: string,
  type: T,
  data: Partial<EventData[T]>,
): Promise<string> {
  return t.db.db
    .transaction()
    .execute((trx) => t.ctx.events.publish(trx, { userId, type, data: fixtureData(type, data) }));
}

function header(r: ReceivedRequest, name: string): string {
  const v = r.headers[name];
  if (typeof v !== 'string') throw new Error(`missing header ${name}`);
  return v;
}

/**
 * The Ratio scheme as in ratio-docs/api-reference/webhooks.md, over the raw body, accepting any of
 * the comma-separated signatures (two during a secret rotation).
 */
export function verifyRatio(r: ReceivedRequest, secret: string): boolean {
  const timestamp = header(r, 'ratio-webhook-signature-timestamp');
  const expected = createHmac('sha512', secret)
    .update(timestamp + '.' + r.raw)
    .digest();
  return header(r, 'ratio-webhook-signature')
    .split(',')
    .some((sig) => {
      const given = Buffer.from(sig.trim(), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/** Standard Webhooks, with the official library (checks the timestamp is within 5 minutes too). */
export function verifyStandard(r: ReceivedRequest, secret: string): boolean {
  try {
    new Webhook(secret).verify(r.raw, {
      'webhook-id': header(r, 'webhook-id'),
      'webhook-timestamp': header(r, 'webhook-timestamp'),
      'webhook-signature': header(r, 'webhook-signature'),
    });
    return true;
  } catch {
    return false;
  }
}
