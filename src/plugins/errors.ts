// Every failure leaves as { createTime, message, code, data } with the catalogue's status. Unknown
// routes are 404 NOT_FOUND_ENDPOINT, a known path with another method 405, Fastify's own body errors
// map to 400/413/415, and anything unexpected is logged with the request id and answered as a bare 500.
// A broken invariant (lib/invariant.ts) is a bug, never the caller's input: logged at fatal level, 500.
// Requests that never reach a route get the same shape: router errors (bad percent-encoding, a path
// parameter over the limit) through `frameworkErrors`, and what Node's HTTP parser refuses (headers
// over 16 KB, a malformed request line, a bad Content-Length, a body cut short) through
// `clientErrorHandler`; app.ts passes both to Fastify.
import http from 'node:http';
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorBody } from '../errors/app-error.ts';
import { catalogueEntry, type ErrorCode } from '../errors/catalogue.ts';
import { InvariantError } from '../lib/invariant.ts';
import { BASE_SECURITY_HEADERS } from './security-headers.ts';
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

/** The longest path parameter the router accepts (longer: 414 URI_TOO_LONG). */
export const MAX_PARAM_LENGTH = 200;

/** Fastify's `frameworkErrors`: errors the router raises before any route or hook runs. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // No route, so no hooks: the headers every answer carries are set here.
  reply.headers(BASE_SECURITY_HEADERS);
  if (error.code === 'FST_ERR_BAD_URL') {
    void sendError(
      reply,
      new AppError('MALFORMED_REQUEST', {
        message: 'The URL path is not valid percent-encoded UTF-8',
        data: { field: 'url', rule: 'urlEncoding' },
      }),
    );
    return;
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendError(
      reply,
      new AppError('URI_TOO_LONG', {
        message: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
        data: { field: 'url', rule: 'maxParamLength', limit: MAX_PARAM_LENGTH },
      }),
    );
    return;
  }
  request.log.error({ err: error }, 'unexpected router error');
  void reply
    .code(500)
    .type('application/json')
    .send(errorBody('INTERNAL', catalogueEntry('INTERNAL').message, { requestId: request.id }));
}

function clientErrorAnswer(code: string | undefined): AppError {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AppError('REQUEST_TIMEOUT');
  if (code === 'HPE_HEADER_OVERFLOW')
    return new AppError('HEADERS_TOO_LARGE', { data: { field: 'headers', rule: 'maxSize', limit: 16_384 } });
  return new AppError('MALFORMED_REQUEST', {
    message: 'The HTTP request could not be parsed (request line, headers, Content-Length or body framing)',
    data: { field: 'request', rule: 'http', reason: code ?? 'unknown' },
  });
}

/**
 * Fastify's `clientErrorHandler` (Node's 'clientError' event): the request never became a request,
 * so the answer is written to the socket by hand, in the error shape, and the connection closed.
 */
export function clientErrorHandler(
  this: { log: { debug: (o: object, m: string) => void } },
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err: error }, 'malformed HTTP request');
  if (socket.writable) {
    const answer = clientErrorAnswer(error.code);
    const body = JSON.stringify(errorBody(answer.code, answer.message, answer.data));
    const headers = Object.entries(BASE_SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(
      `HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `${headers.join('')}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
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
    // Before anything that reads a status off the error: an invariant never becomes a 4xx.
    const broken = error instanceof InvariantError;
    const known = broken ? null : fromFastifyError(error);
    if (known) {
      if (known.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendError(reply, known);
    }
    if (broken) request.log.fatal({ err: error }, 'invariant broken');
    else request.log.error({ err: error }, 'unexpected error');
    request.errorCode = 'INTERNAL';
    const entry = catalogueEntry('INTERNAL');
    return reply
      .code(500)
      .type('application/json')
      .send(errorBody('INTERNAL', entry.message, { requestId: request.id }));
  });
});
