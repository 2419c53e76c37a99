// node's spec reporter without its per-file coverage table: `npm test` prints one coverage line of
// its own from the lcov report (scripts/run-tests.ts), and the table would bury the test results.
import { Readable } from 'node:stream';
import { spec } from 'node:test/reporters';

export default async function* specWithoutCoverageTable(source) {
  const events = Readable.from(
    (async function* () {
      for await (const event of source) if (event.type !== 'test:coverage') yield event;
    })(),
  );
  for await (const chunk of events.pipe(new spec())) yield chunk;
}
