// invariant(): a rule the code relies on, checked where it must hold. A broken invariant is a bug or
// corrupted state — never the caller's input — so it is not an AppError: it fails the operation, is
// logged at fatal level by the error handler (src/plugins/errors.ts) and by jobs, and answers 500.
// Rules on the money path are also CHECK constraints in the database, so a write that slips past the
// code is refused there too.

export class InvariantError extends Error {
  override name = 'InvariantError';
}

export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantError(typeof message === 'function' ? message() : message);
}

/** The level a caught failure is logged at: fatal for a broken invariant, error for anything else. */
export function failureLevel(error: unknown): 'fatal' | 'error' {
  return error instanceof InvariantError ? 'fatal' : 'error';
}
