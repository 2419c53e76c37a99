// The sandbox webhook receiver, for partners trying webhooks without a server of their own (curl,
// Postman): register `BASE/sandbox/webhooks/receiver/{clientId}` as a webhook URL, and every delivery
// is kept as it arrived — raw body and signature headers — for GET /sandbox/webhooks/received to list,
// so the signatures can be verified exactly as a real receiver would. Sandbox mode only. Anyone may
// post to a receiver URL (as to any webhook endpoint): verifying the signature is what tells real
// deliveries from others, and that is the point of reading them back.
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { EXAMPLE } from '../../lib/examples.ts';
import { named, Obj } from '../../lib/schema.ts';
import { clientExists, keepReceipt, listReceipts } from './repository.ts';

const RECEIVER_BODY_LIMIT_BYTES = 256 * 1024;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEPT_HEADERS = /^(content-type|user-agent|ratio-webhook-.*|webhook-.*)$/;

const EXAMPLE_BODY = JSON.stringify({
  userId: EXAMPLE.userId,
  event: 'KYC_UPDATED',
  id: EXAMPLE.eventId,
  data: { status: 'APPROVED' },
});

const ReceiptSchema = named(
  'SandboxWebhookReceipt',
  Type.Object(
    {
      id: Type.String(),
      receiveTime: Type.String({ format: 'date-time', description: 'When it arrived (sandbox time)' }),
      headers: Type.Record(Type.String(), Type.String(), {
        description: 'The signature headers as received (ratio-webhook-*, webhook-*, content-type, user-agent)',
      }),
      body: Type.String({ description: 'The raw body, byte for byte: verify the signatures over this string' }),
    },
    {
      examples: [
        {
          id: '5b8d0f2a-4c6e-4a8b-9d1f-3e5a7c9b1d24',
          receiveTime: EXAMPLE.laterTime,
          headers: {
            'content-type': 'application/json',
            'ratio-webhook-signature': '9f2c…',
            'ratio-webhook-signature-timestamp': '1772463972',
            'webhook-id': EXAMPLE.eventId,
            'webhook-timestamp': '1772463972',
            'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
          },
          body: EXAMPLE_BODY,
        },
      ],
    },
  ),
);

const ReceiptsSchema = named(
  'SandboxWebhookReceipts',
  Type.Object(
    { items: Type.Array(Type.Ref(ReceiptSchema), { description: 'Newest first' }) },
    { examples: [{ items: [] }] },
  ),
);

export const webhookReceiverSchemas = [ReceiptSchema, ReceiptsSchema];

const ListQuery = Obj({
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'At most 100' })),
});

export function registerWebhookReceiverRoutes(app: App, ctx: AppContext): void {
  if (ctx.config.mode !== 'sandbox') return;

  app.get('/sandbox/webhooks/received', {
    config: { auth: 'client', tag: 'Sandbox' },
    schema: {
      operationId: 'listSandboxWebhookReceipts',
      summary: 'List webhooks the sandbox receiver got',
      description:
        'Register `{BASE}/sandbox/webhooks/receiver/{yourClientId}` as a webhook URL (POST /v1/webhooks) and every delivery to it is kept here as it arrived, newest first (the last 100): the raw `body` and the signature headers, to verify as docs/webhooks.md shows. For scripts without a server of their own.',
      querystring: ListQuery,
      response: { 200: Type.Ref(ReceiptsSchema) },
    },
    handler: async (request) => {
      const receipts = await listReceipts(ctx.db, request.client!.id, request.query.pageSize ?? 20);
      return {
        items: receipts.map((r) => ({
          id: r.id,
          receiveTime: r.receivedAt.toISOString(),
          headers: r.headers,
          body: r.body,
        })),
      };
    },
  });

  // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin; the rule cannot see its types
  void app.register(async (scope) => {
    // The raw body exactly as sent: signatures are computed over these bytes, not over parsed JSON.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: RECEIVER_BODY_LIMIT_BYTES }, (_r, body, done) =>
      done(null, body),
    );
    scope.post(
      '/sandbox/webhooks/receiver/:clientId',
      { config: { auth: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const { clientId } = request.params as { clientId: string };
        if (!UUID_RE.test(clientId) || !(await clientExists(ctx.db, clientId.toLowerCase()))) {
          throw new AppError('INVALID_CLIENT_ID', {
            message: 'No client has this id: the receiver URL is /sandbox/webhooks/receiver/{your ratio-client-id}',
            data: { field: 'clientId', rule: 'exists' },
            status: 404,
          });
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (KEPT_HEADERS.test(name) && typeof value === 'string') headers[name] = value;
        }
        const body = typeof request.body === 'string' ? request.body : '';
        await keepReceipt(ctx.db, clientId.toLowerCase(), { headers, body, receivedAt: ctx.clock.now() });
        return reply.code(204).send();
      },
    );
  });
}
