// Starts an onramp entry point (`main` for the server, `cli/index` for the CLI) from the compiled
// JavaScript in dist/, compiling it first when src/ changed since the last build (scripts/build.mjs;
// `npm ci` builds it once through `prepare`). If dist/ cannot be built here (a read-only checkout),
// it runs the TypeScript sources through tsx instead, as before, and says so once.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_DIR, BUNDLE_ENTRIES, DIST, ROOT, build, isBuildFresh } from '../scripts/build.mjs';

export async function launch(entry) {
  let compiled = isBuildFresh();
  if (!compiled) {
    try {
      await build();
      compiled = true;
    } catch (error) {
      process.stderr.write(
        `onramp: could not compile src/ to dist/ (${error instanceof Error ? error.message : String(error)}); running the TypeScript sources through tsx\n`,
      );
    }
  }
  // The bundle (scripts/build.mjs), else the one-file-per-module build.
  const bundled = BUNDLE_ENTRIES[entry] && path.join(BUNDLE_DIR, `${BUNDLE_ENTRIES[entry]}.js`);
  const file = bundled && fs.existsSync(bundled) ? bundled : path.join(DIST, `${entry}.js`);
  if (compiled && fs.existsSync(file)) {
    await import(pathToFileURL(file).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(ROOT, 'src', `${entry}.ts`)).href);
}
