// Security headers, from @fastify/helmet: X-Content-Type-Options: nosniff, Strict-Transport-Security,
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
import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

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
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginEmbedderPolicy: false,
  });
  const apiOrigin = new URL(opts.publicUrl).origin;
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0]!;
    // The docs page arrives as text or as the bytes of the docs app it is forwarded from.
    if (
      path === `${opts.docsPrefix}/` &&
      reply.statusCode === 200 &&
      (typeof payload === 'string' || Buffer.isBuffer(payload))
    ) {
      const page = docsPage(payload.toString());
      reply.header('content-security-policy', docsPolicy(page, apiOrigin));
      payload = page;
    }
    if (reply.getHeader('cache-control') === undefined && !path.startsWith(`${opts.docsPrefix}/`))
      reply.header('cache-control', 'no-store');
    return payload;
  });
});
