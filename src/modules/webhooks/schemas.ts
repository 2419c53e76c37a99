import { Type } from '@sinclair/typebox';
import { DateTime, Obj, StringEnum, Uuid, named } from '../../lib/schema.ts';
import { WEBHOOK_EVENTS } from './event-names.ts';
import { MAX_URL_LENGTH } from './targets.ts';
import { EXAMPLE } from '../../lib/examples.ts';

const EXAMPLE_WEBHOOK = {
  id: EXAMPLE.webhookId,
  createTime: EXAMPLE.createTime,
  updateTime: EXAMPLE.createTime,
  name: 'My Webhook',
  url: 'https://example.com/webhook',
  events: ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'],
  active: true,
};

const EXAMPLE_ATTEMPT = {
  attemptNumber: 1,
  time: EXAMPLE.laterTime,
  latencyMs: 42,
  statusCode: 204,
  responseSnippet: '',
  succeeded: true,
};

const EXAMPLE_DELIVERY = {
  id: EXAMPLE.deliveryId,
  webhookId: EXAMPLE.webhookId,
  eventId: EXAMPLE.eventId,
  event: 'ACTIVITY_UPDATED',
  userId: EXAMPLE.userId,
  status: 'SUCCEEDED',
  attemptCount: 1,
  lastStatusCode: 204,
  createTime: EXAMPLE.laterTime,
  updateTime: EXAMPLE.laterTime,
  attempts: [EXAMPLE_ATTEMPT],
};

const eventsDescription = `The events to subscribe to: ${WEBHOOK_EVENTS.join(', ')} (the older dotted names such as \`kyc.updated\` are accepted and normalised)`;

// Event names are checked by the use case (so dotted aliases can be normalised and INVALID_EVENT name the value).
const EventList = Type.Array(Type.String({ maxLength: 64 }), {
  minItems: 1,
  maxItems: 20,
  description: eventsDescription,
});
const Url = Type.String({
  minLength: 1,
  maxLength: MAX_URL_LENGTH,
  description: "The url for the client's webhook endpoint: https (http is allowed in sandbox mode), no credentials",
});
const Name = Type.String({ minLength: 4, maxLength: 50, description: 'A name for the webhook' });

export const CreateWebhookRequest = Obj(
  { url: Url, events: EventList, name: Type.Optional(Name) },
  {
    title: 'CreateWebhookRequest',
    examples: [
      {
        name: 'My Webhook',
        url: 'https://example.com/webhook',
        events: ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'],
      },
    ],
  },
);

export const UpdateWebhookRequest = Obj(
  {
    url: Type.Optional(Url),
    events: Type.Optional(EventList),
    name: Type.Optional(Name),
    active: Type.Optional(
      Type.Boolean({
        description: 'onramp extension: true re-enables a webhook disabled after a 410 Gone; false pauses it',
      }),
    ),
  },
  { title: 'UpdateWebhookRequest', examples: [{ events: ['ACTIVITY_UPDATED'], active: true }] },
);

export const WebhookIdParams = Obj({ webhookId: Uuid('The id of the webhook') });
export const DeliveryParams = Obj({
  webhookId: Uuid('The id of the webhook'),
  deliveryId: Uuid('The id of the delivery'),
});

export const WebhookEventSchema = StringEnum(WEBHOOK_EVENTS, { description: 'A webhook event' });

export const WebhookSchema = named(
  'Webhook',
  Type.Object(
    {
      id: Type.String({ description: 'The unique identifier of the webhook' }),
      createTime: DateTime('The time the webhook was created'),
      updateTime: DateTime('The time the webhook was last updated'),
      name: Type.Optional(Type.String({ description: 'The name of the webhook' })),
      url: Type.String({ description: "The url for the client's webhook endpoint" }),
      events: Type.Array(WebhookEventSchema),
      active: Type.Boolean({
        description: 'onramp extension: false once disabled (a 410 Gone from the receiver, or PATCH active=false)',
      }),
      disabledReason: Type.Optional(Type.String({ description: 'onramp extension: why the webhook was disabled' })),
      previousSecretExpireTime: Type.Optional(
        DateTime('onramp extension: after a rotation, until when the previous secret also signs every delivery'),
      ),
      secret: Type.Optional(
        Type.String({
          description:
            'The secret of the webhook. This is only returned here when creating a webhook (and by :rotateSecret).',
        }),
      ),
    },
    { examples: [{ ...EXAMPLE_WEBHOOK, secret: EXAMPLE.webhookSecret }] },
  ),
);

export const WebhooksSchema = named(
  'Webhooks',
  Type.Object(
    { items: Type.Array(Type.Ref(WebhookSchema), { description: "The client's webhooks" }) },
    { examples: [{ items: [EXAMPLE_WEBHOOK] }] },
  ),
);

export const WebhookEventsSchema = named(
  'WebhookEvents',
  Type.Object(
    { items: Type.Array(WebhookEventSchema, { description: 'The available webhook events' }) },
    { examples: [{ items: ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'] }] },
  ),
);

export const WebhookAttemptSchema = named(
  'WebhookAttempt',
  Type.Object(
    {
      attemptNumber: Type.Integer({ description: '1 for the first attempt of the delivery' }),
      time: DateTime('When the attempt started'),
      latencyMs: Type.Integer({ description: 'How long the receiver took to answer (or to fail)' }),
      statusCode: Type.Optional(Type.Integer({ description: "The receiver's HTTP status, if it answered" })),
      responseSnippet: Type.Optional(
        Type.String({ description: 'The start of the response body (up to 500 characters)' }),
      ),
      error: Type.Optional(
        Type.String({
          description: 'What went wrong: timeout, connection refused, redirect not followed, refused address…',
        }),
      ),
      succeeded: Type.Boolean({ description: 'A 2xx answer within the timeout' }),
    },
    { examples: [EXAMPLE_ATTEMPT] },
  ),
);

export const WebhookDeliverySchema = named(
  'WebhookDelivery',
  Type.Object(
    {
      id: Type.String({ description: 'The delivery id (one per event and webhook)' }),
      webhookId: Type.String(),
      eventId: Type.String({ description: 'The `id` in the payload and the webhook-id header' }),
      event: Type.String({ description: 'The event type (WEBHOOK_TEST for :test)' }),
      userId: Type.Optional(Type.String()),
      status: StringEnum(['PENDING', 'SUCCEEDED', 'FAILED'] as const, {
        description: 'PENDING until an attempt succeeds or the retries run out',
      }),
      attemptCount: Type.Integer({ description: 'Attempts made so far, replays included' }),
      nextAttemptTime: Type.Optional(DateTime('When the next retry is due')),
      lastStatusCode: Type.Optional(Type.Integer()),
      lastError: Type.Optional(Type.String()),
      createTime: DateTime(),
      updateTime: DateTime(),
      attempts: Type.Array(Type.Ref(WebhookAttemptSchema)),
    },
    { examples: [EXAMPLE_DELIVERY] },
  ),
);

export const WebhookDeliveriesSchema = named(
  'WebhookDeliveries',
  Type.Object(
    {
      items: Type.Array(Type.Ref(WebhookDeliverySchema), { description: 'Deliveries, newest first' }),
      nextPageToken: Type.Optional(
        Type.String({ description: 'The token for the next page of results, if available' }),
      ),
    },
    { examples: [{ items: [EXAMPLE_DELIVERY] }] },
  ),
);

export const DeliveriesQuery = Obj({
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Deliveries per page (default 25)' })),
  pageToken: Type.Optional(
    Type.String({ minLength: 1, maxLength: 512, description: 'nextPageToken of the previous page' }),
  ),
  status: Type.Optional(
    StringEnum(['PENDING', 'SUCCEEDED', 'FAILED'] as const, { description: 'Only deliveries in this state' }),
  ),
});

export const webhookSchemas = [
  WebhookSchema,
  WebhooksSchema,
  WebhookEventsSchema,
  WebhookAttemptSchema,
  WebhookDeliverySchema,
  WebhookDeliveriesSchema,
];
