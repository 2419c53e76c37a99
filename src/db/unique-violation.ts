// PostgreSQL reports a unique violation as SQLSTATE 23505 with the constraint's name; pg and PGlite
// both expose them as `code` and `constraint`. Callers map the constraint to the documented 409.

/** The name of the violated unique constraint, or undefined when `error` is not a unique violation. */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code !== '23505') return undefined;
  if (typeof e.constraint === 'string') return e.constraint;
  const m = typeof e.message === 'string' ? /unique constraint "([^"]+)"/.exec(e.message) : null;
  return m?.[1] ?? '';
}
