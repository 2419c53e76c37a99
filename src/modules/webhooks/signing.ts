// Webhook secrets and signatures. Two header sets are sent with every attempt:
//  - Ratio's: `ratio-webhook-signature` = hex HMAC-SHA512 over `${timestamp}.${body}`, keyed with the
//    secret string exactly as shown to the partner (ratio-docs/api-reference/webhooks.md), and
//    `ratio-webhook-signature-timestamp` (Unix seconds, the same value as `webhook-timestamp`).
//  - Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` (Unix seconds) and
//    `webhook-signature` = `v1,` + base64 HMAC-SHA256 over `${id}.${timestamp}.${body}`, keyed with the
//    base64-decoded bytes after the `whsec_` prefix.
// During a rotation both secrets sign: the Ratio header carries the two hex signatures separated by a
// comma (newest first), the Standard Webhooks header two space-separated `v1,` entries.
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const SECRET_BYTES = 32;

/** `whsec_` + base64 of 32 random bytes: usable as-is by Standard Webhooks libraries. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

export function ratioSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha512', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
  return `v1,${createHmac('sha256', standardKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * The signature headers for one attempt. `secrets` are the live signing secrets, newest first;
 * `timestamp` is Unix seconds of the attempt (wall time: receivers compare it with their own clock).
 */
export function signatureHeaders(
  secrets: string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const timestamp = String(timestampSeconds);
  return {
    'ratio-webhook-signature': secrets.map((s) => ratioSignature(s, timestamp, body)).join(','),
    'ratio-webhook-signature-timestamp': timestamp,
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': secrets.map((s) => standardSignature(s, id, timestamp, body)).join(' '),
  };
}
