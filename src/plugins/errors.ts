// Every failure leaves as { createTime, message, code, data } with the catalogue's status. Unknown
// routes are 404 NOT_FOUND_ENDPOINT, a known path with another method 405, Fastify's own body errors
// map to 400/413/415, and anything unexpected is logged with the request id and answered as a bare 500.
import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorBody } from '../errors/app-error.ts';
import { catalogueEntry, type ErrorCode } from '../errors/catalogue.ts';
import { validationError } from './validation.ts';

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  // For the partner's request log (the dashboard), which records codes, never bodies.
  reply.request.errorCode = error.code;
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .code(error.status)
    .type('application/json')
    .send(errorBody(error.code, error.message, error.data));
}

function fromFastifyError(error: FastifyError): AppError | null {
  if (error instanceof AppError) return error;
  if (error.validation) return validationError(error.validation as never, error.validationContext ?? 'body');
  const code = error.code ?? '';
  const status = error.statusCode ?? 500;
  const simple = (c: ErrorCode, message?: string) => new AppError(c, message ? { message } : {});
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return simple('PAYLOAD_TOO_LARGE');
  if (status === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return simple('UNSUPPORTED_MEDIA_TYPE', 'The request body must be sent with Content-Type: application/json');
  }
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new AppError('INVALID_BODY', {
      message: 'The request body is empty but Content-Type is application/json; send {} or omit the header',
      data: { field: 'body', rule: 'json' },
    });
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error instanceof SyntaxError && status === 400)) {
    return new AppError('INVALID_BODY', {
      message: 'The request body is not valid JSON',
      data: { field: 'body', rule: 'json' },
    });
  }
  if (status === 429) return new AppError('RATE_LIMITED');
  // Any other client error Fastify raises (bad content-length, malformed URL…) stays a 400.
  if (status >= 400 && status < 500) {
    return new AppError('INVALID_BODY', { message: error.message, status: status === 404 ? 400 : status });
  }
  return null;
}

export const errorsPlugin = fp(async function errorsPlugin(app: FastifyInstance) {
  app.decorateRequest('errorCode', null);
  // A shadow router of every route, to tell "no such path" (404) from "wrong method" (405).
  const shadow = FindMyWay({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      try {
        shadow.on(method as HTTPMethod, route.url, () => undefined);
      } catch {
        // Same route registered twice under another prefix: the first registration is enough.
      }
    }
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    const allowed = METHODS.filter((m) => m !== request.method && shadow.find(m, path) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        reply,
        new AppError('METHOD_NOT_ALLOWED', {
          message: `${request.method} is not supported on this endpoint; use ${allowed.join(' or ')}`,
          data: { allowed },
        }),
      );
    }
    return sendError(
      reply,
      new AppError('NOT_FOUND_ENDPOINT', { message: `No endpoint ${request.method} ${path}`, data: {} }),
    );
  });

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = fromFastifyError(error);
    if (known) {
      if (known.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendError(reply, known);
    }
    request.log.error({ err: error }, 'unexpected error');
    request.errorCode = 'INTERNAL';
    const entry = catalogueEntry('INTERNAL');
    return reply
      .code(500)
      .type('application/json')
      .send(errorBody('INTERNAL', entry.message, { requestId: request.id }));
  });
});
