// The sandbox inbox, for partners testing sign-in: GET /sandbox/inbox?to=… (client credentials)
// lists the SMS and email sandbox providers delivered to that phone or address on the client's
// behalf; a browser opening /sandbox/inbox gets a small page that does the same. Registered only
// when a sandbox provider is configured (never in production, which refuses them).
import { Type } from '@sinclair/typebox';
import type { IncomingMessage } from 'node:http';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { named, Obj } from '../../lib/schema.ts';
import { INBOX_PAGE, INBOX_SCRIPT } from './page.ts';

const INBOX_MESSAGE_EXAMPLE = {
  id: '3e7a9c1b-5d2f-4a6e-8b0c-2f4a6c8e0b13',
  createTime: '2026-03-02T15:04:30.000Z',
  channel: 'SMS',
  to: '+12015550123',
  text: '196244 is your onramp verification code. It expires in 10 minutes. Never share it: onramp will never ask you for it.',
};

const InboxMessageSchema = named(
  'SandboxInboxMessage',
  Type.Object(
    {
      id: Type.String(),
      createTime: Type.String({ format: 'date-time' }),
      channel: Type.Union([Type.Literal('SMS'), Type.Literal('EMAIL')]),
      to: Type.String(),
      subject: Type.Optional(Type.String()),
      text: Type.String({ description: 'The plain-text part (the SMS body)' }),
      html: Type.Optional(Type.String({ description: 'The HTML part of an email' })),
    },
    { examples: [INBOX_MESSAGE_EXAMPLE] },
  ),
);

const InboxSchema = named(
  'SandboxInbox',
  Type.Object({ items: Type.Array(Type.Ref(InboxMessageSchema)) }, { examples: [{ items: [INBOX_MESSAGE_EXAMPLE] }] }),
);

export const inboxSchemas = [InboxMessageSchema, InboxSchema];

const InboxQuery = Obj({
  to: Type.String({ minLength: 3, maxLength: 320, description: 'The E.164 phone number or email address' }),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
});

const wantsHtml = (request: IncomingMessage) => ((request.headers.accept ?? '').includes('text/html') ? 'html' : 'api');

export function registerInboxRoutes(app: App, ctx: AppContext): void {
  const { sms, email } = ctx.config.messaging;
  if (sms.provider !== 'sandbox' && email.provider !== 'sandbox') return;
  // Browsers (Accept: text/html) get the page; API clients the JSON.
  if (!app.hasConstraintStrategy('view')) {
    app.addConstraintStrategy({
      name: 'view',
      storage() {
        const handlers = new Map<string, unknown>();
        return {
          get: (v: string) => (handlers.get(v) ?? null) as never,
          set: (v: string, h: unknown) => void handlers.set(v, h),
        };
      },
      deriveConstraint: wantsHtml,
      mustMatchWhenDerived: false,
    });
  }

  app.get('/sandbox/inbox', {
    config: { auth: 'client', tag: 'Sandbox' },
    schema: {
      operationId: 'listSandboxInbox',
      summary: 'Read the sandbox inbox',
      description:
        'SMS and email that sandbox providers delivered to `to` on behalf of this client (one-time codes and notifications), newest first.',
      querystring: InboxQuery,
      response: { 200: Type.Ref(InboxSchema) },
    },
    handler: async (request) => {
      const rows = await ctx.inbox.list(request.client!.id, request.query.to, request.query.pageSize ?? 20);
      return {
        items: rows.map((r) => ({
          id: r.id,
          createTime: r.created_at.toISOString(),
          channel: r.channel,
          to: r.recipient,
          ...(r.subject !== null ? { subject: r.subject } : {}),
          text: r.text_body,
          ...(r.html_body !== null ? { html: r.html_body } : {}),
        })),
      };
    },
  });

  app.get(
    '/sandbox/inbox',
    { config: { auth: 'public' }, constraints: { view: 'html' }, schema: { hide: true } },
    async (_request, reply) => {
      reply.header(
        'content-security-policy',
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
      );
      reply.header('cache-control', 'no-store');
      return reply.type('text/html; charset=utf-8').send(INBOX_PAGE);
    },
  );

  app.get('/sandbox/inbox.js', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(INBOX_SCRIPT),
  );
}
