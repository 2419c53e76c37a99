// The hosted Identity Verification page (idv-page.ts) and the small JSON API behind it. The key in the
// shareable_url is the credential (as with Plaid's hosted flow); errors are Plaid error objects.
// Scripts may call the JSON API directly to pass or fail documentary verification without a browser
// (docs/plaid-sandbox.md).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../../app-types.ts';
import { newRequestId, plaidErrors, PlaidSandboxError } from './errors.ts';
import { DOCUMENT_CATEGORIES, type DocumentCategory, type IdvRow } from './idv-checks.ts';
import { IDV_PAGE, IDV_SCRIPT } from './idv-page.ts';
import type { IdvSandbox } from './idv.ts';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'";
const MAX_DOCUMENT_BYTES = 25 * 1024 * 1024;

function fields(body: unknown, allowed: string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw plaidErrors.invalidBody();
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw plaidErrors.unknownFields(unknown);
  if (typeof b.key !== 'string' || b.key === '') throw plaidErrors.missingFields(['key']);
  return b;
}

function documentInput(body: unknown): { key: string; category: DocumentCategory; passed: boolean } {
  const b = fields(body, ['key', 'category', 'fileName', 'fileType', 'fileSize', 'outcome']);
  const category = b.category as DocumentCategory;
  if (!DOCUMENT_CATEGORIES.includes(category))
    throw plaidErrors.invalidField(`category must be one of ${DOCUMENT_CATEGORIES.join(', ')}`);
  if (typeof b.fileName !== 'string' || b.fileName === '' || b.fileName.length > 200)
    throw plaidErrors.invalidField('fileName must name the uploaded document (1-200 characters)');
  if (
    typeof b.fileSize !== 'number' ||
    !Number.isInteger(b.fileSize) ||
    b.fileSize < 1 ||
    b.fileSize > MAX_DOCUMENT_BYTES
  )
    throw plaidErrors.invalidField('fileSize must be the size of the document in bytes, at most 25 MB');
  if (b.outcome !== 'pass' && b.outcome !== 'fail') throw plaidErrors.invalidField('outcome must be pass or fail');
  return { key: b.key as string, category, passed: b.outcome === 'pass' };
}

/** What the page needs: never the user's data, only where the verification stands. */
function sessionView(row: IdvRow) {
  return { status: row.status, steps: row.steps };
}

export function registerIdvPageRoutes(app: App, idv: IdvSandbox): void {
  // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin; the rule cannot see its types
  void app.register(async (scope: FastifyInstance) => {
    const json = (reply: FastifyReply, status: number, body: unknown) =>
      reply.code(status).type('application/json').header('cache-control', 'no-store').send(JSON.stringify(body));
    scope.setErrorHandler((error: Error & { code?: string }, request, reply) => {
      if (error instanceof PlaidSandboxError) return json(reply, error.status, error.body(newRequestId()));
      if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError)
        return json(reply, 400, plaidErrors.invalidBody().body(newRequestId()));
      request.log.error({ err: error }, 'sandbox identity verification page failed unexpectedly');
      return json(
        reply,
        500,
        new PlaidSandboxError(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', 'an unexpected error occurred').body(
          newRequestId(),
        ),
      );
    });
    const opts = { config: { auth: 'public' as const }, schema: { hide: true } };
    const keyOf = (query: unknown) => {
      const key = (query as Record<string, unknown>).key;
      return typeof key === 'string' ? key : '';
    };

    scope.get('/sandbox/idv.js', opts, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').send(IDV_SCRIPT),
    );
    scope.get<{ Params: { id: string } }>('/sandbox/idv/:id', opts, async (_request, reply) => {
      reply
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer');
      return reply.type('text/html; charset=utf-8').send(IDV_PAGE);
    });
    scope.get<{ Params: { id: string } }>('/sandbox/idv/:id/session', opts, async (request, reply) =>
      json(reply, 200, sessionView(await idv.byShareKey(request.params.id, keyOf(request.query)))),
    );
    scope.post<{ Params: { id: string } }>('/sandbox/idv/:id/consent', opts, async (request, reply) => {
      const { key } = fields(request.body, ['key']) as { key: string };
      return json(reply, 200, sessionView(await idv.acceptTerms(request.params.id, key)));
    });
    scope.post<{ Params: { id: string } }>('/sandbox/idv/:id/document', opts, async (request, reply) => {
      const input = documentInput(request.body);
      return json(
        reply,
        200,
        sessionView(await idv.submitDocument(request.params.id, input.key, input.category, input.passed)),
      );
    });
  });
}
