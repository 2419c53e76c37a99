// Webhook event names. The glossary's WebhookEvent values are canonical; the older dotted names
// (`kyc.updated`, as in Ratio's OpenAPI examples) are accepted on input and normalised.
import { AppError } from '../../errors/app-error.ts';
import { EVENT_TYPES, type EventType } from '../events/publish.ts';

export const WEBHOOK_EVENTS = EVENT_TYPES;
export type WebhookEvent = EventType;

/** The event type of the payload sent by POST /v1/webhooks/{webhookId}:test. */
export const TEST_EVENT = 'WEBHOOK_TEST';

const ALIASES: Record<string, WebhookEvent> = {
  'activity.updated': 'ACTIVITY_UPDATED',
  'bank.updated': 'BANK_UPDATED',
  'kyc.updated': 'KYC_UPDATED',
};

export function normaliseEvent(name: string): WebhookEvent | undefined {
  if ((WEBHOOK_EVENTS as readonly string[]).includes(name)) return name as WebhookEvent;
  return ALIASES[name.toLowerCase()];
}

/** Canonical, de-duplicated, in glossary order; INVALID_EVENT names the first unknown value. */
export function normaliseEvents(names: string[]): WebhookEvent[] {
  const out = new Set<WebhookEvent>();
  names.forEach((name, i) => {
    const event = normaliseEvent(name);
    if (!event) {
      throw new AppError('INVALID_EVENT', {
        message: `\`events.${i}\` must be one of ${WEBHOOK_EVENTS.join(', ')} (got "${name.slice(0, 64)}")`,
        data: { field: `events.${i}`, rule: 'enum', allowed: [...WEBHOOK_EVENTS] },
      });
    }
    out.add(event);
  });
  if (out.size === 0)
    throw new AppError('INVALID_EVENTS', {
      message: '`events` must not be empty',
      data: { field: 'events', rule: 'minItems' },
    });
  return WEBHOOK_EVENTS.filter((e) => out.has(e));
}
