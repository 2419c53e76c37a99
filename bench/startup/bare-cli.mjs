// The baseline of bench:startup's CLI figure: `npm run cli -- clients list` in the bare package — a
// plain Node process that asks the running bare server (ONRAMP_STATE_DIR/server.json) for its list
// and prints it, or prints an empty list when none runs.
import fs from 'node:fs';
import path from 'node:path';

let list = [];
try {
  const { url } = JSON.parse(fs.readFileSync(path.join(process.env.ONRAMP_STATE_DIR ?? '.', 'server.json'), 'utf8'));
  list = await (await fetch(`${url}/clients`)).json();
} catch {
  // No server: nothing to ask.
}
process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
