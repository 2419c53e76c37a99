// The sandbox inbox, for partners testing sign-in: GET /sandbox/inbox?to=… (client credentials)
// lists the SMS and email sandbox providers delivered to that phone or address on the client's
// behalf. A browser opening /sandbox/inbox gets a small page that reads the same with an inbox read
// token (GET /sandbox/inbox/link, or the link `npm start` prints) instead of the client secret, which
// never belongs in a browser. Registered only when a sandbox provider is configured (never in
// production, which refuses them).
import { Type } from '@sinclair/typebox';
import type { IncomingMessage } from 'node:http';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { named, Obj } from '../../lib/schema.ts';
import { listReceipts } from '../webhook-receiver/repository.ts';
import { INBOX_PAGE, INBOX_SCRIPT } from './page.ts';
import { clientOfReadToken, inboxReadToken } from './read-token.ts';
import type { InboxMessageRow } from './store.ts';

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

const InboxLinkSchema = named(
  'SandboxInboxLink',
  Type.Object(
    {
      token: Type.String({ description: "A read token for this client's sandbox inbox only (not an API credential)" }),
      url: Type.String({ description: 'The inbox page, signed in with the token' }),
    },
    {
      examples: [
        {
          token: 'ibx_b7020dd0-6d32-4a76-b6a0-4d27e1468335_Zq3xY8v0T2bW5nK7pR1sD4fG6hJ9aL2cE5uI8oM0wQy',
          url: 'http://127.0.0.1:3000/sandbox/inbox#token=ibx_b7020dd0-6d32-4a76-b6a0-4d27e1468335_Zq3xY8v0T2bW5nK7pR1sD4fG6hJ9aL2cE5uI8oM0wQy',
        },
      ],
    },
  ),
);

export const inboxSchemas = [InboxMessageSchema, InboxSchema, InboxLinkSchema];

const READ_TOKEN_HEADER = 'ratio-sandbox-inbox-token';

function messageView(r: InboxMessageRow) {
  return {
    id: r.id,
    createTime: r.created_at.toISOString(),
    channel: r.channel,
    to: r.recipient,
    ...(r.subject !== null ? { subject: r.subject } : {}),
    text: r.text_body,
    ...(r.html_body !== null ? { html: r.html_body } : {}),
  };
}

/** The page's data: this client's newest messages (or those to one recipient) and caught webhooks, in sandbox time. */
function registerInboxFeed(app: App, ctx: AppContext): void {
  app.get('/sandbox/inbox/feed', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const token = request.headers[READ_TOKEN_HEADER];
    const clientId = typeof token === 'string' ? clientOfReadToken(ctx.secrets.keyring, token) : undefined;
    if (!clientId) {
      throw new AppError('INVALID_AUTHORIZATION', {
        message: `Send a sandbox inbox read token in ${READ_TOKEN_HEADER} (GET /sandbox/inbox/link, or the link npm start prints)`,
        data: { field: READ_TOKEN_HEADER },
        status: 401,
      });
    }
    const to = (request.query as Record<string, unknown>).to;
    const rows =
      typeof to === 'string' && to.trim() !== ''
        ? await ctx.inbox.list(clientId, to.slice(0, 320), 50)
        : await ctx.inbox.recent(clientId, 50);
    const webhooks = ctx.config.mode === 'sandbox' ? await listReceipts(ctx.db, clientId, 20) : [];
    reply.header('cache-control', 'no-store');
    return {
      now: ctx.clock.now().toISOString(),
      items: rows.map(messageView),
      webhooks: webhooks.map((w) => ({ id: w.id, receiveTime: w.receivedAt.toISOString(), event: eventOf(w.body) })),
    };
  });
}

function eventOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { event?: unknown };
    return typeof parsed.event === 'string' ? parsed.event : 'unknown';
  } catch {
    return 'not JSON';
  }
}

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
      return { items: rows.map(messageView) };
    },
  });

  app.get('/sandbox/inbox/link', {
    config: { auth: 'client-secret', tag: 'Sandbox' },
    schema: {
      operationId: 'getSandboxInboxLink',
      summary: 'Get a link to the sandbox inbox page',
      description:
        "A read token for this client's sandbox inbox and the page's URL with it: open it in a browser to watch codes and notifications arrive, without typing the client secret into a page. The token opens the inbox only, never the API.",
      response: { 200: Type.Ref(InboxLinkSchema) },
    },
    handler: async (request) => {
      const token = inboxReadToken(ctx.secrets.keyring, request.client!.id);
      return { token, url: `${ctx.config.http.publicUrl}/sandbox/inbox#token=${token}` };
    },
  });
  registerInboxFeed(app, ctx);

  app.get(
    '/sandbox/inbox',
    { config: { auth: 'public' }, constraints: { view: 'html' }, schema: { hide: true } },
    async (_request, reply) => {
      reply.header(
        'content-security-policy',
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
      );
      reply.header('cache-control', 'no-store');
      return reply.type('text/html; charset=utf-8').send(INBOX_PAGE);
    },
  );

  app.get('/sandbox/inbox.js', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(INBOX_SCRIPT),
  );
}
