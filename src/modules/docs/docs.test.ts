// The pages a person opens on a self-hosted server: the landing page at / and the guides under
// /docs/guides — HTML under a strict policy, every link between guides leading somewhere that exists.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { packageRoot } from '../../lib/package-root.ts';
import { guideHref, listGuides, slug } from './guides.ts';

const ROOT = packageRoot();

describe('the landing page and the guides', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('answers GET / with a page saying what this server is, its mode and where to go', async () => {
    const res = await get('/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /sandbox mode/);
    for (const href of [
      '/docs',
      '/docs/guides',
      '/docs/guides/quickstart',
      '/docs/guides/sandbox',
      '/sandbox/inbox',
      '/dashboard',
    ])
      assert.ok(res.body.includes(`href="${href}"`), `links to ${href}`);
    assert.match(res.body, /Plaid Link page/);
  });

  it('serves its pages under a policy that allows no script and no other origin', async () => {
    for (const url of ['/', '/docs/guides', '/docs/guides/quickstart']) {
      const res = await get(url);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'none'/, url);
      assert.doesNotMatch(csp, /script-src|https?:/, url);
      assert.doesNotMatch(res.body, /<script|<link[^>]+stylesheet|https?:\/\/[^"]*\.(css|js|woff2?)/, url);
    }
  });

  it('keeps them out of the OpenAPI document', async () => {
    const doc = (await get('/v1/api-docs')).json() as { paths: Record<string, unknown> };
    assert.deepEqual(
      Object.keys(doc.paths).filter((p) => p === '/' || p.startsWith('/docs')),
      [],
    );
  });

  it('lists every docs/*.md in the index, and serves each as a page', async () => {
    const index = await get('/docs/guides');
    assert.equal(index.statusCode, 200);
    const files = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    const guides = listGuides(ROOT);
    for (const file of files) {
      const guide = guides.find((g) => g.file === `docs/${file}`);
      assert.ok(guide, `docs/${file} is a guide`);
      assert.ok(index.body.includes(`href="/docs/guides/${guide.name}"`), `the index links to ${guide.name}`);
    }
    for (const guide of guides) {
      const res = await get(`/docs/guides/${guide.name}`);
      assert.equal(res.statusCode, 200, guide.name);
      assert.match(res.body, /<h1 id="/, `${guide.name} has its title`);
    }
  });

  it('turns links between guides into links between pages, each to a page and anchor that exist', async () => {
    const pages = new Map<string, string>();
    for (const guide of listGuides(ROOT)) pages.set(guide.name, (await get(`/docs/guides/${guide.name}`)).body);
    let checked = 0;
    for (const [name, html] of pages) {
      assert.doesNotMatch(html, /href="[^"#:]+\.md(#[^"]*)?"/, `${name} has no link left to a .md file`);
      for (const [, target, anchor] of html.matchAll(/href="\/docs\/guides\/([a-z0-9-]+)(?:#([^"]+))?"/g)) {
        assert.ok(pages.has(target!), `${name} links to /docs/guides/${target}, which exists`);
        if (anchor) assert.ok(pages.get(target!)!.includes(`id="${anchor}"`), `${name} → ${target}#${anchor} exists`);
        checked++;
      }
    }
    assert.ok(checked > 50, `${checked} links checked`);
  });

  it('answers an unknown guide with a 404 page', async () => {
    const res = await get('/docs/guides/no-such-guide');
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /all guides/);
  });

  it('resolves links as GitHub does: relative to the file, with GitHub heading anchors', () => {
    const pages = new Map([
      ['docs/sign-in.md', 'sign-in'],
      ['README.md', 'overview'],
    ]);
    assert.equal(guideHref('sign-in.md#2-sms', 'docs/webhooks.md', pages), '/docs/guides/sign-in#2-sms');
    assert.equal(guideHref('docs/sign-in.md', 'README.md', pages), '/docs/guides/sign-in');
    assert.equal(guideHref('../README.md', 'docs/quickstart.md', pages), '/docs/guides/overview');
    assert.equal(guideHref('../src/lib/money.ts', 'docs/buying.md', pages), null);
    assert.equal(
      guideHref('https://eips.ethereum.org/EIPS/eip-4361', 'docs/sign-in.md', pages),
      'https://eips.ethereum.org/EIPS/eip-4361',
    );
    assert.equal(slug('The ledger, step by step'), 'the-ledger-step-by-step');
    assert.equal(slug('Users, wallets and KYC'), 'users-wallets-and-kyc');
    assert.equal(
      slug('Documents for a review: <code>POST /v1/users/{userId}/idv</code>'.replace(/<[^>]*>/g, '')),
      'documents-for-a-review-post-v1usersuserididv',
    );
  });
});
