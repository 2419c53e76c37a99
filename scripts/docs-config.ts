// `npm run docs:config`: writes docs/configuration.md, the README's configuration table and .env.example
// from the config reader (src/config-reference.ts). The suite fails when they drift from the code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  configurationReference,
  renderConfigurationMd,
  renderEnvExample,
  renderReadmeTable,
  replaceReadmeTable,
} from '../src/config-reference.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const references = configurationReference();
const write = (file: string, text: string) => {
  const full = path.join(root, file);
  const before = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
  if (before === text) return;
  fs.writeFileSync(full, text);
  process.stdout.write(`wrote ${file}\n`);
};
write('docs/configuration.md', renderConfigurationMd(references));
write('.env.example', renderEnvExample(references));
write(
  'README.md',
  replaceReadmeTable(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), renderReadmeTable(references)),
);
process.stdout.write(`${references.length} variables\n`);
