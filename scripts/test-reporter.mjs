// node's spec reporter without its per-file coverage table: `npm test` prints one coverage line of
// its own from the lcov report (scripts/run-tests.ts), and the table would bury the test results.
// At the end it lists the slowest test files (the sum of their top-level tests' durations, which run
// one after another in a file), so whoever watches CI's time budget sees where it goes.
import { Readable } from 'node:stream';
import { spec } from 'node:test/reporters';

const SLOWEST = 12;

export default async function* specWithoutCoverageTable(source) {
  const spans = new Map();
  const events = Readable.from(
    (async function* () {
      for await (const event of source) {
        const { file, nesting, details } = event.data ?? {};
        if ((event.type === 'test:pass' || event.type === 'test:fail') && file && nesting === 0)
          spans.set(file, (spans.get(file) ?? 0) + (details?.duration_ms ?? 0));
        if (event.type !== 'test:coverage') yield event;
      }
    })(),
  );
  for await (const chunk of events.pipe(new spec())) yield chunk;
  yield slowestFiles(spans);
}

function slowestFiles(spans) {
  const cwd = process.cwd();
  const rows = [...spans.entries()]
    .map(([file, ms]) => ({ file: file.startsWith(cwd) ? file.slice(cwd.length + 1) : file, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, SLOWEST);
  const lines = rows.map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file}`);
  return `\nslowest test files (sum of top-level tests):\n${lines.join('\n')}\n`;
}
