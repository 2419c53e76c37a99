// Where onramp's own files are (docs/, dashboard/dist, package.json), whatever the working directory
// and whether this runs from src/ through tsx or from the compiled dist/.
import fs from 'node:fs';
import path from 'node:path';

/** The package root: the nearest directory above this file whose package.json is named onramp (dist/ has one of its own, without a name). */
export function packageRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  for (; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name === 'onramp')
      return dir;
  }
  return process.cwd();
}
