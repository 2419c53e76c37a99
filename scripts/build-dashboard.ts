// `npm run build:dashboard` (and npm's `prepare`, so `npm ci` builds it): bundles dashboard/ with Vite
// into dashboard/dist, which the server serves at /dashboard. Offline: everything comes from
// node_modules. A missing Vite (an install without dependencies) is reported, not fatal, so that an
// install still completes; the server then answers /dashboard with how to build it.
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

let vite: typeof import('vite');
try {
  vite = await import('vite');
} catch {
  process.stderr.write('build:dashboard: vite is not installed; run `npm ci`, then `npm run build:dashboard`\n');
  process.exit(process.env.npm_lifecycle_event === 'prepare' ? 0 : 1);
}
const started = Date.now();
await vite.build({ configFile: path.join(root, 'dashboard', 'vite.config.ts') });
process.stdout.write(`build:dashboard: dashboard/dist built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
