// The HTML around the guides and the landing page at /: one inline stylesheet, allowed by its hash,
// and no script at all — the pages load nothing, from here or from any other origin.
import { createHash } from 'node:crypto';
import { type Guide, SECTIONS } from './guides.ts';

const STYLE = `
:root { color-scheme: light; --ink: #16181d; --muted: #5b6270; --line: #e2e5ea; --accent: #2b5bd7; --code: #f4f5f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); text-decoration: none; }
a:hover, a:focus { text-decoration: underline; }
header { border-bottom: 1px solid var(--line); padding: .7rem 1.5rem; display: flex; gap: 1.4rem; align-items: baseline; flex-wrap: wrap; }
header .brand { font-weight: 700; color: var(--ink); font-size: 1.1rem; }
header .mode { font-size: .8rem; color: var(--muted); border: 1px solid var(--line); border-radius: 999px; padding: 0 .6rem; }
.layout { display: grid; grid-template-columns: 15rem minmax(0, 1fr); gap: 2.5rem; max-width: 78rem; margin: 0 auto; padding: 1.5rem; }
nav.guides { font-size: .9rem; position: sticky; top: 1rem; align-self: start; max-height: calc(100vh - 2rem); overflow-y: auto; }
nav.guides h2 { font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 1.2rem 0 .3rem; }
nav.guides ul { list-style: none; margin: 0; padding: 0; }
nav.guides li a { display: block; padding: .15rem .4rem; border-radius: 4px; color: var(--ink); }
nav.guides li a[aria-current="page"] { background: #e9efff; color: var(--accent); font-weight: 600; }
main { min-width: 0; max-width: 52rem; }
main h1 { font-size: 2rem; line-height: 1.25; margin: .4rem 0 1rem; }
main h2 { font-size: 1.4rem; margin-top: 2.2rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
main h3 { font-size: 1.15rem; margin-top: 1.8rem; }
code { font: .88em/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--code); padding: .1rem .3rem; border-radius: 4px; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; overflow-x: auto; line-height: 1.4; }
pre code { background: none; padding: 0; font-size: .85rem; line-height: inherit; }
table { border-collapse: collapse; display: block; overflow-x: auto; font-size: .9rem; margin: 1rem 0; }
th, td { border: 1px solid var(--line); padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #f8f9fb; }
blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 4px solid var(--line); color: var(--muted); }
.file { border-bottom: 1px dotted var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 1rem; margin: 1.2rem 0 2rem; padding: 0; list-style: none; }
.cards li { border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1rem; }
.cards li a { font-weight: 600; }
.cards li p { margin: .3rem 0 0; color: var(--muted); font-size: .9rem; }
.index dt { margin-top: .7rem; }
.index dd { margin: 0; color: var(--muted); font-size: .92rem; }
.lead { font-size: 1.1rem; color: #333a45; }
@media (max-width: 50rem) { .layout { grid-template-columns: 1fr; } nav.guides { position: static; max-height: none; } }
`;

/** The pages' policy: nothing but this one stylesheet and same-origin images. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function shell(title: string, mode: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <a class="brand" href="/">onramp</a>
  <span class="mode">${escapeHtml(mode)} mode</span>
  <a href="/docs">API reference</a>
  <a href="/docs/guides">Guides</a>
  <a href="/docs/guides/quickstart">Quickstart</a>
  <a href="/docs/guides/sandbox">Sandbox values</a>
</header>
${body}
</body>
</html>
`;
}

function sidebar(guides: Guide[], current: string | undefined): string {
  const sections = SECTIONS.map((section) => {
    const items = guides
      .filter((g) => g.section === section)
      .map((g) => {
        const mark = g.name === current ? ' aria-current="page"' : '';
        return `<li><a href="/docs/guides/${g.name}"${mark}>${escapeHtml(g.label)}</a></li>`;
      });
    return items.length ? `<h2>${section}</h2><ul>${items.join('')}</ul>` : '';
  });
  return `<nav class="guides" aria-label="Guides">${sections.join('')}</nav>`;
}

export function guidePage(mode: string, guide: Guide, page: { title: string; html: string }, guides: Guide[]): string {
  const body = `<div class="layout">${sidebar(guides, guide.name)}<main>${page.html}</main></div>`;
  return shell(`${page.title} — onramp`, mode, body);
}

export function guideIndexPage(mode: string, guides: Guide[]): string {
  const sections = SECTIONS.map((section) => {
    const items = guides
      .filter((g) => g.section === section)
      .map(
        (g) =>
          `<dt><a href="/docs/guides/${g.name}">${escapeHtml(g.label)}</a></dt>` +
          (g.blurb ? `<dd>${escapeHtml(g.blurb)}</dd>` : ''),
      );
    return items.length ? `<h2>${section}</h2><dl class="index">${items.join('')}</dl>` : '';
  });
  const body = `<div class="layout">${sidebar(guides, undefined)}<main><h1>Guides</h1>
<p class="lead">How to integrate with onramp and how to run it. The API reference, generated from the server's
own OpenAPI document, is at <a href="/docs">/docs</a>.</p>${sections.join('')}</main></div>`;
  return shell('Guides — onramp', mode, body);
}

export function guideNotFoundPage(mode: string, name: string): string {
  return shell(
    'Guide not found — onramp',
    mode,
    `<div class="layout"><div></div><main><h1>No guide called “${escapeHtml(name)}”</h1>
<p>See <a href="/docs/guides">all guides</a>.</p></main></div>`,
  );
}

export interface LandingLinks {
  inbox: boolean;
  linkPage: boolean;
  dashboard: boolean;
}

export function landingPage(mode: string, publicUrl: string, links: LandingLinks): string {
  const card = (href: string, label: string, text: string) => `<li><a href="${href}">${label}</a><p>${text}</p></li>`;
  const cards = [
    card(
      '/docs/guides/quickstart',
      'Quickstart',
      'A sandbox purchase with a verified webhook, in TypeScript and curl.',
    ),
    card(
      '/docs',
      'API reference',
      'Every endpoint, generated from this server’s OpenAPI document (<code>/v1/api-docs</code>).',
    ),
    card('/docs/guides', 'Guides', 'Sign-in, onboarding and KYC, banks, buying, webhooks, operations.'),
    card(
      '/docs/guides/sandbox',
      'Sandbox test values',
      'SSNs, test phone numbers and codes, Plaid users, amounts, the clock.',
    ),
  ];
  if (links.inbox)
    cards.push(
      card('/sandbox/inbox', 'Sandbox inbox', 'The SMS and email codes the sandbox sent, and the webhooks it caught.'),
    );
  if (links.linkPage)
    cards.push(
      card(
        '/docs/guides/plaid-sandbox#with-the-link-page-a-browser',
        'Plaid Link page',
        'The sandbox’s Link at <code>/sandbox/link?token=…</code>, opened with a link token from <code>banks:requestLink</code>.',
      ),
    );
  if (links.dashboard)
    cards.push(
      card(
        '/dashboard',
        'Partner dashboard',
        'Reports, users, webhooks and their deliveries, API keys, the request log.',
      ),
    );
  const intro =
    mode === 'sandbox'
      ? 'This is a <strong>sandbox</strong>: an embedded database, in-process chains and a built-in Plaid sandbox. No real money moves; test values are on one page.'
      : 'This server runs in <strong>production</strong> mode: real banks, real chains.';
  const body = `<div class="layout"><div></div><main>
<h1>onramp</h1>
<p class="lead">A self-hosted fiat-to-crypto on-ramp implementing the Ratio API: users sign in with a wallet, SMS
or email, pass KYC, link a US bank through Plaid and buy ETH or USDC by ACH, delivered on-chain, with signed
webhooks at every step.</p>
<p>${intro}</p>
<ul class="cards">${cards.join('')}</ul>
<p>API base URL: <code>${escapeHtml(publicUrl)}</code> · health: <a href="/healthz">/healthz</a> · <a href="/v1/api-docs">OpenAPI document</a></p>
</main></div>`;
  return shell('onramp', mode, body);
}
