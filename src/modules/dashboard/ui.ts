// Serves the dashboard's front end (dashboard/, built by `npm run build:dashboard` into
// dashboard/dist) from this server: hashed assets under /dashboard/assets/ cached for a year, and
// index.html for every page path, under a strict Content-Security-Policy (scripts and styles from
// this origin only, nothing inline, no other origin contacted: it works offline).
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { packageRoot } from '../../lib/package-root.ts';

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const DIST_DIR = path.join(packageRoot(), 'dashboard', 'dist');

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Dashboard not built</title>
<body><h1>The dashboard is not built</h1><p>Run <code>npm run build:dashboard</code> (npm ci runs it) and reload.</p></body></html>`;

export async function registerUi(scope: FastifyInstance): Promise<void> {
  const indexFile = path.join(DIST_DIR, 'index.html');
  if (fs.existsSync(path.join(DIST_DIR, 'assets'))) {
    await scope.register(fastifyStatic, {
      root: path.join(DIST_DIR, 'assets'),
      prefix: '/dashboard/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (reply) => {
        reply.header('x-content-type-options', 'nosniff');
      },
    });
  }
  // Read at every page load (a few hundred bytes, and pages are loaded rarely): a rebuild while the
  // server runs is picked up, and its new asset names with it.
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    const html = fs.existsSync(indexFile) ? fs.readFileSync(indexFile, 'utf8') : undefined;
    reply
      .header('content-security-policy', DASHBOARD_CSP)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .type('text/html; charset=utf-8');
    return html === undefined ? reply.code(503).send(NOT_BUILT) : reply.send(html);
  };
  scope.get('/dashboard', { schema: { hide: true } }, page);
  scope.get('/dashboard/*', { schema: { hide: true } }, async (request, reply) => {
    const url = request.url.split('?')[0]!;
    if (url.startsWith('/dashboard/api/') || url.startsWith('/dashboard/assets/'))
      throw new AppError('NOT_FOUND_ENDPOINT', { message: `No endpoint ${request.method} ${url}`, data: {} });
    return page(request, reply);
  });
}
