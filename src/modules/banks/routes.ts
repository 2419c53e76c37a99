// The Bank endpoints of api-reference/endpoints/bank.md. Literal colons: a parameter right before
// one needs a regex so it does not swallow ":requestLink".
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { assertUserAccess } from '../auth/access.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { UserParams } from '../users/schemas.ts';
import { activateBankLink } from './activate-bank-link.ts';
import { deleteBank } from './delete-bank.ts';
import { applyPlaidWebhook, verifyPlaidWebhook } from './plaid-webhooks.ts';
import { findBank, toBankAccount } from './repository.ts';
import { requestBankLink, requestUpdateLink } from './request-bank-link.ts';
import {
  ActivateBankLinkRequest,
  ActivateBankLinkResponseSchema,
  BankAccountSchema,
  BankParams,
  RequestBankLinkRequest,
  RequestBankLinkResponseSchema,
} from './schemas.ts';

export { bankSchemas } from './schemas.ts';

const tag = 'Bank';

export function registerBankRoutes(app: App, ctx: AppContext): void {
  registerBankLinkRoutes(app, ctx);
  registerBankAccountRoutes(app, ctx);
  registerPlaidWebhookRoute(app, ctx);
}

/** Plaid Link for a new bank: a link token, then the public token it yields. */
function registerBankLinkRoutes(app: App, ctx: AppContext): void {
  // The docs send requestLink without a body as often as with one: no body means {}.
  app.post('/v1/users/:userId/banks::requestLink', {
    config: { auth: 'client', user: 'two', tag, bodyOptional: true },
    schema: {
      operationId: 'requestBankLink',
      summary: 'Request bank link',
      description:
        "A Plaid `link_token` for Plaid Link (products auth + identity, the user's legal name, your registered `redirectUri` / `androidPackageName`). " +
        'The body is optional (Ratio sends none; `{}` is fine). A user has one bank at a time: 409 ALREADY_EXISTS_BANK while one is linked. In sandbox mode the token works with the built-in sandbox and its Link page at /sandbox/link (docs/plaid-sandbox.md).',
      params: UserParams,
      body: RequestBankLinkRequest,
      response: { 200: Type.Ref(RequestBankLinkResponseSchema) },
    },
    handler: async (request) => {
      const { userId } = request.params;
      assertUserAccess(request, userId);
      return requestBankLink(ctx, request.client!, userId, request.body);
    },
  });

  app.post('/v1/users/:userId/banks::activateLink', {
    config: { auth: 'client', user: 'two', tag, idempotency: true },
    schema: {
      operationId: 'activateBankLink',
      summary: 'Activate bank link',
      description:
        'Exchanges the `publicToken` from Plaid Link, reads the account (ACH numbers), the account holders and the balance, and stores the bank. ' +
        "`verificationStatus` compares the account holder's name with the KYC legal name: decided at once when KYC is approved, otherwise IN_REVIEW until KYC is decided (BANK_UPDATED follows). " +
        'A second bank is 409 ALREADY_EXISTS_BANK; after update mode, activating the public token of the same item repairs the bank.',
      params: UserParams,
      body: ActivateBankLinkRequest,
      response: { 200: Type.Ref(ActivateBankLinkResponseSchema) },
    },
    handler: async (request) => {
      const { userId } = request.params;
      assertUserAccess(request, userId);
      return activateBankLink(ctx, request.client!, userId, request.body.publicToken);
    },
  });
}

/** The linked bank: read it, unlink it, repair its login (update mode). */
function registerBankAccountRoutes(app: App, ctx: AppContext): void {
  app.get('/v1/users/:userId/banks/:bankId', {
    config: { auth: 'client', user: 'one', tag },
    schema: {
      operationId: 'getBankAccount',
      summary: 'Retrieve bank account',
      params: BankParams,
      response: { 200: Type.Ref(BankAccountSchema) },
    },
    handler: async (request) => {
      const { userId, bankId } = request.params;
      assertUserAccess(request, userId);
      await assertFlagsAllow(ctx.db, userId, 'READ');
      const bank = await findBank(ctx.db, userId, bankId);
      if (!bank)
        throw new AppError('NOT_FOUND_BANK', { message: `No bank ${bankId} for this user`, data: { field: 'bankId' } });
      return toBankAccount(bank);
    },
  });

  app.delete('/v1/users/:userId/banks/:bankId', {
    config: { auth: 'client', user: 'two', tag },
    schema: {
      operationId: 'deleteBankAccount',
      summary: 'Unlink bank account',
      description:
        'Removes the Plaid item and unlinks the bank (BANK_UPDATED with linkStatus INACTIVE); the user may then link another.',
      params: BankParams,
      response: { 204: Type.Null({ description: 'Bank link deleted' }) },
    },
    handler: async (request, reply) => {
      const { userId, bankId } = request.params;
      assertUserAccess(request, userId);
      await deleteBank(ctx, userId, bankId);
      return reply.code(204).send(null);
    },
  });

  app.post('/v1/users/:userId/banks/:bankId(^[^:]+)::requestLink', {
    config: { auth: 'client', user: 'two', tag, bodyOptional: true },
    schema: {
      operationId: 'requestBankUpdateLink',
      summary: 'Update link token (re-login)',
      description:
        'Plaid Link in update mode for a bank whose `linkStatus` is LOGIN_REQUIRED. 422 PLAID_LOGIN_ERROR when the link is fine.',
      params: BankParams,
      body: RequestBankLinkRequest,
      response: { 200: Type.Ref(RequestBankLinkResponseSchema) },
    },
    handler: async (request) => {
      const { userId, bankId } = request.params;
      assertUserAccess(request, userId);
      return requestUpdateLink(ctx, request.client!, userId, bankId, request.body);
    },
  });
}

function registerPlaidWebhookRoute(app: App, ctx: AppContext): void {
  // Plaid webhooks (every webhook_type). The raw body is kept: the JWT signs its SHA-256.
  // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin; the rule cannot see its types
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_request, body, done) => done(null, body),
    );
    scope.post('/webhooks/plaid', {
      config: { auth: 'public', tag },
      schema: {
        hide: true,
        summary: 'Plaid webhooks',
        description:
          'Receives Plaid webhooks, verified with the Plaid-Verification JWT, and dispatches them by webhook_type: ITEM (ERROR ITEM_LOGIN_REQUIRED, PENDING_EXPIRATION, PENDING_DISCONNECT, LOGIN_REPAIRED) here, others to the module that registered them (IDENTITY_VERIFICATION: KYC).',
      },
      handler: async (request, reply) => {
        const raw = typeof request.body === 'string' ? request.body : '';
        const header = request.headers['plaid-verification'];
        await verifyPlaidWebhook(ctx, raw, typeof header === 'string' ? header : undefined);
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw new AppError('INVALID_BODY', {
            message: 'The webhook body is not valid JSON',
            data: { field: 'body', rule: 'json' },
          });
        }
        const outcome = await applyPlaidWebhook(ctx, (parsed ?? {}) as Record<string, unknown>);
        request.log.info({ outcome }, 'Plaid webhook');
        return reply
          .code(200)
          .type('application/json')
          .send(JSON.stringify({ received: true }));
      },
    });
  });
}
