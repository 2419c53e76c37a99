// Email addresses: a practical subset of RFC 5321/5322 (what mail providers actually accept), and the
// normalised form used for uniqueness and lookups. Sub-addresses (user+tag@) stay distinct, as the
// Ratio sandbox guide relies on them for test accounts.
import { AppError } from '../errors/app-error.ts';

// Local part: dot-atom characters, no leading/trailing/double dots. Domain: LDH labels and a TLD.
const LOCAL_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL_RE = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD_RE = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

export function isValidEmail(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at !== email.indexOf('@')) return false;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  if (local.length > 64 || !LOCAL_RE.test(local)) return false;
  if (labels.length < 2 || !labels.every((l) => LABEL_RE.test(l))) return false;
  return TLD_RE.test(labels.at(-1)!);
}

/** Case-insensitive form used for uniqueness (`users.email_normalized`) and sign-in lookups. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The normalised address, or INVALID_EMAIL naming `field`. */
export function parseEmail(input: string, field = 'email'): string {
  const email = input.trim();
  if (!isValidEmail(email)) {
    throw new AppError('INVALID_EMAIL', {
      message: `\`${field}\` must be an email address such as name@example.com`,
      data: { field, rule: 'email' },
    });
  }
  return normalizeEmail(email);
}

/** `rat...@example.com`, as in the Ratio docs. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, Math.min(3, Math.max(1, at - 1)))}...${email.slice(at)}`;
}
