// `npm start` (the same as `onramp serve`): reads the configuration, with `--env-file PATH` first
// when given, and runs the server.
import { loadConfigOrExit, takeEnvFile } from './cli/env.ts';
import { StartupError } from './errors/startup-error.ts';
import { serve } from './server.ts';

const argv = takeEnvFile(process.argv.slice(2));
if (argv.length > 0) {
  process.stderr.write(`npm start takes only --env-file PATH (got ${argv.join(' ')})\n`);
  process.exit(2);
}
serve(loadConfigOrExit()).catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`onramp refused to start: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `onramp failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
