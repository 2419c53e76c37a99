// Every code block the docs mark as runnable runs, against a sandbox this test starts: a block in
// docs/*.md or README.md preceded by the line `<!-- runs -->` (docs/quickstart.md, "Runnable
// examples"). A page's ```sh blocks run in order as one bash script; each ```ts block is a program of
// its own, run with tsx from the repository. Both get BASE, CLIENT_ID and CLIENT_SECRET.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { baseUrl, startTestApp, type TestApp } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS_MARKER = '<!-- runs -->';
const RUN_TIMEOUT_MS = 240_000;

interface RunnableBlock {
  file: string;
  line: number;
  lang: 'sh' | 'ts';
  code: string;
}

/** The runnable blocks of one markdown text; a marker not followed by a ```sh or ```ts block is an error. */
function runnableBlocks(file: string, markdown: string): RunnableBlock[] {
  const lines = markdown.split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== RUNS_MARKER) continue;
    const fence = /^```(sh|ts)\s*$/.exec(lines[i + 1] ?? '');
    if (!fence) throw new Error(`${file}:${i + 1}: ${RUNS_MARKER} must be followed by a \`\`\`sh or \`\`\`ts block`);
    const end = lines.findIndex((l, j) => j > i + 1 && l.startsWith('```'));
    if (end === -1) throw new Error(`${file}:${i + 2}: the block is not closed`);
    blocks.push({ file, line: i + 2, lang: fence[1] as 'sh' | 'ts', code: lines.slice(i + 2, end).join('\n') });
    i = end;
  }
  return blocks;
}

function docFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs.sort()];
}

const allBlocks = docFiles().flatMap((f) => runnableBlocks(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

function missingTools(tools: string[]): string[] {
  return tools.filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

const run = promisify(execFile);

/** Runs a program to completion and answers its output; fails with both outputs when it exits non-zero. */
async function runProgram(command: string, args: string[], env: Record<string, string>): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: RUN_TIMEOUT_MS,
      maxBuffer: 1 << 24,
    });
    return stdout;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return assert.fail(
      `${args.at(-1)} failed (${e.code ?? e.message}):\n--- stdout\n${e.stdout}\n--- stderr\n${e.stderr}`,
    );
  }
}

// What a page's programs print when they did what the page says: the quickstart's once the purchase
// completed and its webhook verified; sign-in's the key it generated, to sign in with again.
const EXPECTED_OUTPUT: Record<string, RegExp> = {
  'docs/quickstart.md': /purchase \S+ completed: 0x[0-9a-f]{64}; webhook .*verified/,
  'docs/sign-in.md': /"privateKey": "0x[0-9a-f]{64}"[\s\S]*"sessionJwt": "ey/,
};

describe('the docs: every block marked <!-- runs --> runs against a sandbox', () => {
  let t: TestApp;
  let env: Record<string, string>;
  // Inside the repository, so that onramp-sdk and viem resolve from its node_modules.
  const workDir = path.join(ROOT, 'tmp', `docs-examples-${process.pid}`);

  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
    env = { BASE: baseUrl(t), CLIENT_ID: t.client.id, CLIENT_SECRET: t.client.secret };
    fs.mkdirSync(workDir, { recursive: true });
  });
  after(async () => {
    fs.rmSync(workDir, { recursive: true, force: true });
    await t.close();
  });

  it('finds the quickstart among them, in TypeScript and in curl', () => {
    const quickstart = allBlocks.filter((b) => b.file === 'docs/quickstart.md');
    assert.deepEqual([...new Set(quickstart.map((b) => b.lang))].sort(), ['sh', 'ts']);
  });

  it('keeps out what broke when the examples were tried by hand', () => {
    const found: string[] = [];
    for (const file of docFiles()) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      text.split('\n').forEach((line, i) => {
        // uuidgen is missing on many systems (and an empty key is a 400); the port is not always 3000.
        if (/\buuidgen\b/.test(line)) found.push(`${file}:${i + 1}: uuidgen`);
        if (/BASE=['"]?http:\/\/(127\.0\.0\.1|localhost):3000/.test(line))
          found.push(`${file}:${i + 1}: BASE on port 3000`);
        if (/curl[^\n]*\s(localhost|127\.0\.0\.1):3000\/(v1|sandbox)/.test(line))
          found.push(`${file}:${i + 1}: port 3000`);
        if (/\$ONRAMP\b/.test(line)) found.push(`${file}:${i + 1}: $ONRAMP (the docs say $BASE)`);
      });
    }
    assert.deepEqual(found, []);
  });

  it('rejects a marker that is not followed by a runnable block', () => {
    assert.throws(() => runnableBlocks('x.md', `${RUNS_MARKER}\n\`\`\`json\n{}\n\`\`\`\n`), /x\.md:1/);
    assert.deepEqual(runnableBlocks('x.md', `${RUNS_MARKER}\n\`\`\`sh\necho hi\n\`\`\`\n`), [
      { file: 'x.md', line: 2, lang: 'sh', code: 'echo hi' },
    ]);
  });

  const files = [...new Set(allBlocks.map((b) => b.file))];
  for (const file of files) {
    const sh = allBlocks.filter((b) => b.file === file && b.lang === 'sh');
    if (sh.length > 0) {
      const missing = missingTools(['bash', 'curl', 'jq', 'openssl', 'od']);
      const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;
      it(`${file}: its sh blocks (lines ${sh.map((b) => b.line).join(', ')}) run as one bash script`, {
        skip,
        timeout: RUN_TIMEOUT_MS + 10_000,
      }, async () => {
        const script = path.join(workDir, `${path.basename(file, '.md')}.sh`);
        fs.writeFileSync(script, sh.map((b) => `# ${b.file}:${b.line}\n${b.code}`).join('\n\n'));
        const out = await runProgram('bash', [script], env);
        if (EXPECTED_OUTPUT[file]) assert.match(out, EXPECTED_OUTPUT[file]);
      });
    }
    for (const block of allBlocks.filter((b) => b.file === file && b.lang === 'ts')) {
      it(`${file}:${block.line}: the ts block runs`, { timeout: RUN_TIMEOUT_MS + 10_000 }, async () => {
        const program = path.join(workDir, `${path.basename(file, '.md')}-${block.line}.ts`);
        fs.writeFileSync(program, block.code);
        const out = await runProgram(process.execPath, ['--conditions=onramp-source', '--import', 'tsx', program], env);
        if (EXPECTED_OUTPUT[file]) assert.match(out, EXPECTED_OUTPUT[file]);
      });
    }
  }
});
