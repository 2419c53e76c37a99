// The guides (docs/*.md, the README and the SDK's README) as HTML pages under /docs/guides/<name>.
// Markdown is rendered with `marked`, loaded on the first request for a guide (start-up never pays
// for it), and each page is rendered once per version of its file. Links between guides become links
// between pages (`sign-in.md#…` → `/docs/guides/sign-in#…`); headings get GitHub's anchors, so the
// links written for GitHub work here too; a link to a file the server does not serve (a source file)
// keeps its text only. The files are this repository's own: their HTML is trusted, and the pages'
// policy allows no script anyway.
import fs from 'node:fs';
import path from 'node:path';
import type { Marked, Tokens } from 'marked';

export interface Guide {
  /** The page's name: /docs/guides/<name>. */
  name: string;
  /** The file, relative to the package root. */
  file: string;
  section: GuideSection;
  /** Its short name in the sidebar and the index (the page's title is its first heading). */
  label: string;
  /** One line for the index. */
  blurb: string;
}

export type GuideSection = 'Start here' | 'Integrate' | 'Operate' | 'Inside onramp';
export const SECTIONS: GuideSection[] = ['Start here', 'Integrate', 'Operate', 'Inside onramp'];

/** The guides in reading order. A docs/*.md file missing from this list is listed under "Inside onramp". */
const CATALOGUE: Array<Omit<Guide, 'file'> & { file?: string }> = [
  {
    name: 'quickstart',
    label: 'Quickstart',
    section: 'Start here',
    blurb: 'A sandbox purchase with a verified webhook, in TypeScript and curl',
  },
  {
    name: 'sandbox',
    label: 'Sandbox test values',
    section: 'Start here',
    blurb: 'Every sandbox test value on one page',
  },
  {
    name: 'sdk',
    label: 'TypeScript SDK',
    file: 'sdk/README.md',
    section: 'Start here',
    blurb: 'onramp-sdk, the typed TypeScript client',
  },
  {
    name: 'overview',
    label: 'Overview (README)',
    file: 'README.md',
    section: 'Start here',
    blurb: 'What onramp is, how to run it, every setting',
  },
  {
    name: 'sign-in',
    label: 'Sign-in',
    section: 'Integrate',
    blurb: 'Wallet (EIP-4361), SMS and email sign-in; sessions and MFA',
  },
  {
    name: 'onboarding',
    label: 'Onboarding and KYC',
    section: 'Integrate',
    blurb: 'Create a user, deposit wallets, KYC, account flags',
  },
  {
    name: 'identity-verification',
    label: 'Identity verification',
    section: 'Integrate',
    blurb: 'KYC on Plaid Identity Verification',
  },
  {
    name: 'plaid-sandbox',
    label: 'Banks and the Plaid sandbox',
    section: 'Integrate',
    blurb: 'Linking a bank: the Plaid sandbox, the Link page, test users',
  },
  {
    name: 'buying',
    label: 'Buying',
    section: 'Integrate',
    blurb: 'Prices, estimates, limits, the purchase, Idempotency-Key',
  },
  {
    name: 'webhooks',
    label: 'Webhooks',
    section: 'Integrate',
    blurb: 'Payloads, both signature schemes, retries, replays',
  },
  {
    name: 'money-movement',
    label: 'Money movement',
    section: 'Integrate',
    blurb: 'ACH on Plaid Transfer: returns, late returns, refunds',
  },
  {
    name: 'dashboard',
    label: 'Partner dashboard',
    section: 'Integrate',
    blurb: 'The partner dashboard: reports, users, webhooks, keys',
  },
  {
    name: 'production',
    label: 'Production',
    section: 'Operate',
    blurb: 'Production mode from a clone: database, keys, providers',
  },
  { name: 'configuration', label: 'Configuration', section: 'Operate', blurb: 'Every environment variable' },
  {
    name: 'operations',
    label: 'Operations',
    section: 'Operate',
    blurb: 'Processes, health, metrics, backups, upgrades, TLS',
  },
  { name: 'payouts', label: 'Payouts', section: 'Operate', blurb: 'On-chain payouts and the hot wallet' },
  { name: 'chains', label: 'Chains', section: 'Operate', blurb: 'The sandbox chains and production RPC settings' },
  { name: 'scaling', label: 'Scaling', section: 'Operate', blurb: 'Several processes on one PostgreSQL database' },
  { name: 'rehearsal', label: 'Rehearsal', section: 'Inside onramp', blurb: 'Production mode proven end to end' },
  {
    name: 'architecture',
    label: 'Architecture',
    file: 'docs/ARCHITECTURE.md',
    section: 'Inside onramp',
    blurb: 'Layout and conventions',
  },
];

export const GUIDE_NAME_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The guides whose files exist under `root`, catalogue first, then any other docs/*.md. */
export function listGuides(root: string): Guide[] {
  const guides: Guide[] = CATALOGUE.map((g) => ({ ...g, file: g.file ?? `docs/${g.name}.md` }));
  const known = new Set(guides.map((g) => g.file));
  const docsDir = path.join(root, 'docs');
  const extra = fs.existsSync(docsDir) ? fs.readdirSync(docsDir).filter((f) => f.endsWith('.md')) : [];
  for (const file of extra.sort()) {
    const name = file.slice(0, -3).toLowerCase();
    if (known.has(`docs/${file}`) || !GUIDE_NAME_RE.test(name)) continue;
    guides.push({ name, label: name, file: `docs/${file}`, section: 'Inside onramp', blurb: '' });
  }
  return guides.filter((g) => fs.existsSync(path.join(root, g.file)));
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/&(amp|lt|gt|quot|#39);/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Where a link in `fromFile` leads on this server: a guide's page, an anchor, another site, or nowhere (null). */
export function guideHref(href: string, fromFile: string, pageOf: Map<string, string>): string | null {
  if (href.startsWith('#') || /^(https?:|mailto:)/i.test(href)) return href;
  if (href.startsWith('/')) return href;
  const [target = '', anchor] = href.split('#', 2);
  const file = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), target));
  const page = pageOf.get(file);
  if (page === undefined) return null;
  return `/docs/guides/${page}${anchor ? `#${anchor}` : ''}`;
}

export interface RenderedGuide {
  title: string;
  html: string;
}

type MarkedModule = typeof import('marked');
let markedModule: Promise<MarkedModule> | undefined;

/** `marked`, imported on first use. */
function loadMarked(): Promise<MarkedModule> {
  markedModule ??= import('marked').catch((error: unknown) => {
    markedModule = undefined;
    throw error;
  });
  return markedModule;
}

function renderer(m: MarkedModule, fromFile: string, pageOf: Map<string, string>): Marked {
  const used = new Map<string, number>();
  return new m.Marked({
    gfm: true,
    renderer: {
      heading(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Heading) {
        const inner = this.parser.parseInline(token.tokens);
        const base = slug(inner.replace(/<[^>]*>/g, ''));
        const n = used.get(base) ?? 0;
        used.set(base, n + 1);
        const id = n === 0 ? base : `${base}-${n}`;
        return `<h${token.depth} id="${escapeHtml(id)}">${inner}</h${token.depth}>\n`;
      },
      link(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Link) {
        const inner = this.parser.parseInline(token.tokens);
        const href = guideHref(token.href, fromFile, pageOf);
        if (href === null)
          return `<span class="file" title="${escapeHtml(token.href)} in the repository">${inner}</span>`;
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
        return `<a href="${escapeHtml(href)}"${title}>${inner}</a>`;
      },
    },
  });
}

/** Renders one guide's markdown; its title is its first heading. */
export async function renderGuide(markdown: string, guide: Guide, guides: Guide[]): Promise<RenderedGuide> {
  const m = await loadMarked();
  const pageOf = new Map(guides.map((g) => [g.file, g.name]));
  const html = await renderer(m, guide.file, pageOf).parse(markdown);
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.replace(/[`*_]/g, '') ?? guide.name;
  return { title, html };
}

/** Rendered guides, kept per file version (a changed file is rendered again). */
export class GuideCache {
  private readonly pages = new Map<string, { mtimeMs: number; page: RenderedGuide }>();

  constructor(readonly root: string) {}

  guides(): Guide[] {
    return listGuides(this.root);
  }

  async page(guide: Guide, guides: Guide[]): Promise<RenderedGuide> {
    const full = path.join(this.root, guide.file);
    const { mtimeMs } = await fs.promises.stat(full);
    const kept = this.pages.get(guide.name);
    if (kept && kept.mtimeMs === mtimeMs) return kept.page;
    const page = await renderGuide(await fs.promises.readFile(full, 'utf8'), guide, guides);
    this.pages.set(guide.name, { mtimeMs, page });
    return page;
  }
}
