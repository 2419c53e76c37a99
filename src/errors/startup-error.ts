// A reason the server or the CLI cannot start that the operator fixes outside the code (the
// database's address or mode, …): printed as its message alone, without a stack trace, exit code 2.
export class StartupError extends Error {
  override name = 'StartupError';
}
