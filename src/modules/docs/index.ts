// Human pages a self-hosted server serves beside the API reference (/docs, plugins/openapi.ts):
//   GET /                     a landing page: what this server is, its mode, where to go next
//   GET /docs/guides          the guides' index
//   GET /docs/guides/{name}   one guide (docs/*.md, README.md, sdk/README.md) as HTML
// Server-rendered, no script, no other origin; hidden from the OpenAPI document.
import type { FastifyReply } from 'fastify';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import type { Module } from '../index.ts';
import { packageRoot } from '../../lib/package-root.ts';
import { GUIDE_NAME_RE, GuideCache } from './guides.ts';
import { guideIndexPage, guideNotFoundPage, guidePage, type LandingLinks, landingPage, PAGE_CSP } from './pages.ts';

function sendPage(reply: FastifyReply, html: string, status = 200) {
  return reply
    .code(status)
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-cache')
    .type('text/html; charset=utf-8')
    .send(html);
}

export function registerDocsRoutes(app: App, ctx: AppContext, root = packageRoot()): void {
  const cache = new GuideCache(root);
  const { mode } = ctx.config;
  const opts = { schema: { hide: true } };
  let links: LandingLinks | undefined;

  app.get('/', opts, async (_request, reply) => {
    // Asked once the app is ready: some modules register their pages in plugins of their own.
    links ??= {
      inbox: app.hasRoute({ method: 'GET', url: '/sandbox/inbox' }),
      linkPage: app.hasRoute({ method: 'GET', url: '/sandbox/link' }),
      dashboard: app.hasRoute({ method: 'GET', url: '/dashboard' }),
    };
    return sendPage(reply, landingPage(mode, ctx.config.http.publicUrl, links));
  });

  app.get('/docs/guides', opts, async (_request, reply) => {
    const guides = cache.guides();
    return sendPage(reply, guideIndexPage(mode, guides));
  });
  app.get('/docs/guides/', opts, async (_request, reply) => reply.redirect('/docs/guides', 301));

  app.get('/docs/guides/:name', opts, async (request, reply) => {
    const { name } = request.params as { name: string };
    const guides = cache.guides();
    const guide = GUIDE_NAME_RE.test(name) ? guides.find((g) => g.name === name) : undefined;
    if (!guide) return sendPage(reply, guideNotFoundPage(mode, name), 404);
    const page = await cache.page(guide, guides);
    return sendPage(reply, guidePage(mode, guide, page, guides));
  });
}

export const docsModule: Module = { name: 'docs', routes: registerDocsRoutes };
