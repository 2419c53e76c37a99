// Security headers, from helmet: X-Content-Type-Options: nosniff, Strict-Transport-Security,
// Referrer-Policy: no-referrer, X-Frame-Options: SAMEORIGIN and the rest of helmet's defaults on every
// answer. Two things helmet cannot know are added here:
// - Cache-Control: no-store on every answer that sets no caching of its own: API answers carry
//   personal data and session tokens, and error answers carry request details. Public documents
//   (JWKS, the docs page's script) set their own.
// - The docs page's Content-Security-Policy: Scalar's page has one inline script (its configuration),
//   allowed by its SHA-256 rather than 'unsafe-inline'; everything else it loads comes from here. Zod,
//   inside Scalar's bundle, probes for eval with `Function('')` (a CSP violation even though it is
//   caught): a first inline script turns that off (Zod's documented `jitless` global setting).
// Pages that must be embedded or open as a popup by a partner's origin set their own policy (the
// sandbox Link page), so the global CSP and the cross-origin opener/embedder policies stay off.
//
// Helmet's headers depend on its options only (with the CSP off), so they are computed once per
// option set, by running helmet's middleware once on a recording response, and set with one plain
// onRequest hook: @fastify/helmet rebuilt helmet's middleware chain inside two promise hooks on every
// request (a CPU profile of bench:read, docs/performance.md). A route changes them with the same
// `helmet` route option @fastify/helmet read, e.g. `{ helmet: { frameguard: false } }`.
import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

declare module 'fastify' {
  interface RouteShorthandOptions {
    /** Helmet options for this route, merged over the global ones (the CSP stays off). */
    helmet?: HelmetOptions;
  }
  interface FastifyContextConfig {
    /** What the route's `helmet` option made of the headers (set by securityHeadersPlugin). */
    securityHeaders?: HeaderOps;
  }
}

/** What helmet does to a response: headers set, in its order, and headers removed. */
interface HeaderOps {
  set: [name: string, value: string][];
  remove: string[];
}

const GLOBAL_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginEmbedderPolicy: false,
};

/** Runs helmet's middleware once on a response that only records what is done to it. */
export function helmetHeaders(options: HelmetOptions): HeaderOps {
  if (options.contentSecurityPolicy !== false)
    throw new Error('security headers: helmet CSP is per request (nonces); set the policy on the route instead');
  const ops: HeaderOps = { set: [], remove: [] };
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      ops.set.push([name.toLowerCase(), String(value)]);
      return this;
    },
    removeHeader(name: string) {
      ops.remove.push(name.toLowerCase());
    },
  };
  let finished = false;
  helmet(options)({} as never, res as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('security headers: helmet did not finish synchronously');
  return ops;
}

/** What the raw answers written outside Fastify (malformed HTTP) carry too. */
export const BASE_SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;
const ZOD_JITLESS = '<script>globalThis.__zod_globalConfig = { jitless: true };</script>';

/** The docs page with Zod's eval probe switched off before Scalar's script loads. */
export function docsPage(html: string): string {
  return html.includes(ZOD_JITLESS) ? html : html.replace(/<script\b/i, `${ZOD_JITLESS}\n    <script`);
}

/** The docs page's policy, allowing exactly the inline scripts `html` contains. */
export function docsPolicy(html: string, apiOrigin: string): string {
  const hashes = [...html.matchAll(INLINE_SCRIPT)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    // Scalar injects its themes as <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${apiOrigin}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

export const securityHeadersPlugin = fp(async function securityHeadersPlugin(
  app: FastifyInstance,
  opts: { publicUrl: string; docsPrefix: string },
) {
  const globalHeaders = helmetHeaders(GLOBAL_OPTIONS);
  app.addHook('onRoute', (route) => {
    if (route.helmet === undefined) return;
    const headers = helmetHeaders({ ...GLOBAL_OPTIONS, ...route.helmet } as HelmetOptions);
    route.config = Object.assign(route.config ?? {}, { securityHeaders: headers });
  });
  // Set on the raw response as helmet did: anything the route sets through the reply wins.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const { set, remove } = request.routeOptions.config?.securityHeaders ?? globalHeaders;
    const res = reply.raw;
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of remove) res.removeHeader(name);
    done();
  });
  const apiOrigin = new URL(opts.publicUrl).origin;
  const docsPagePath = `${opts.docsPrefix}/`;
  app.addHook('onSend', (request, reply, payload, done) => {
    const path = pathOf(request.url);
    // The docs page arrives as text or as the bytes of the docs app it is forwarded from.
    if (
      path === docsPagePath &&
      reply.statusCode === 200 &&
      (typeof payload === 'string' || Buffer.isBuffer(payload))
    ) {
      const page = docsPage(payload.toString());
      reply.header('content-security-policy', docsPolicy(page, apiOrigin));
      payload = page;
    }
    if (reply.getHeader('cache-control') === undefined && !path.startsWith(docsPagePath))
      reply.header('cache-control', 'no-store');
    done(null, payload);
  });
});

/** The URL's path, without its query. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
