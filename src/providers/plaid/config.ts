// Plaid settings (ONRAMP_PLAID_*): which Plaid environment, its API keys, Link's name and Plaid's webhooks.
import type { EnvReader, Mode } from '../../config.ts';

/**
 * Plaid, always through the official `plaid` client. `baseUrl` undefined means the built-in
 * Plaid-compatible sandbox served by this server under /sandbox/plaid (sandbox mode only).
 */
export interface PlaidConfig {
  /** https://production.plaid.com, https://sandbox.plaid.com, or undefined for the built-in sandbox. */
  baseUrl: string | undefined;
  /** Plaid API keys; required with a real Plaid environment. The built-in sandbox derives its own when unset. */
  clientId: string | undefined;
  secret: string | undefined;
  /** Per Plaid request. */
  timeoutMs: number;
  /** The name Plaid Link shows the user (`client_name`). */
  clientName: string;
  /** Where Plaid sends item webhooks; by default this server's /webhooks/plaid. */
  webhookUrl: string | undefined;
  /** Oldest accepted `iat` of a Plaid webhook JWT. */
  webhookMaxAgeSeconds: number;
  /**
   * The built-in sandbox only: where it sends the webhooks Plaid sends to the URL set in its dashboard
   * (IDENTITY_VERIFICATION); by default this server's Plaid webhook URL.
   */
  sandboxWebhookUrl: string | undefined;
}

export const PLAID_PRODUCTION_URL = 'https://production.plaid.com';

export function readPlaidConfig(r: EnvReader, mode: Mode): PlaidConfig {
  const baseUrl = r.url(
    'ONRAMP_PLAID_BASE_URL',
    mode === 'production' ? PLAID_PRODUCTION_URL : undefined,
    ['https:', 'http:'],
    {
      doc: "where the official `plaid` client goes: unset in sandbox mode means the built-in Plaid-compatible sandbox (/sandbox/plaid); `https://sandbox.plaid.com` is Plaid's own sandbox. https:// in production",
      defaultText: 'built-in sandbox',
    },
  );
  const config: PlaidConfig = {
    baseUrl,
    clientId: r.optional('ONRAMP_PLAID_CLIENT_ID', {
      doc: 'your Plaid client id (Plaid dashboard, Developers → Keys); required with ONRAMP_PLAID_BASE_URL, so always in production. The built-in sandbox derives its own when unset',
      example: 'YOUR_PLAID_CLIENT_ID',
    }),
    secret: r.secret('ONRAMP_PLAID_SECRET', {
      doc: 'your Plaid secret for that environment (sandbox and production secrets differ)',
      example: 'YOUR_PLAID_SECRET',
    }),
    timeoutMs: r.int('ONRAMP_PLAID_TIMEOUT_MS', 20_000, 500, 120_000, 'per Plaid request (no automatic retries)'),
    clientName: r.string('ONRAMP_PLAID_CLIENT_NAME', r.raw('ONRAMP_BRAND_NAME') ?? 'onramp', {
      maxLength: 30,
      doc: 'the name Plaid Link shows the user (`client_name`)',
      defaultText: 'ONRAMP_BRAND_NAME',
    }),
    webhookUrl: r.url('ONRAMP_PLAID_WEBHOOK_URL', undefined, ['https:', 'http:'], {
      doc: 'where Plaid sends item webhooks (verified ES256 JWTs); https:// in production',
      defaultText: 'ONRAMP_PUBLIC_URL/webhooks/plaid',
    }),
    webhookMaxAgeSeconds: r.int(
      'ONRAMP_PLAID_WEBHOOK_MAX_AGE_SECONDS',
      300,
      30,
      3600,
      "oldest accepted `iat` of a Plaid webhook's JWT",
    ),
    sandboxWebhookUrl: r.url('ONRAMP_SANDBOX_PLAID_WEBHOOK_URL', undefined, ['https:', 'http:'], {
      doc: 'the built-in Plaid sandbox only: where it sends the webhooks Plaid sends to the URL of its dashboard (IDENTITY_VERIFICATION)',
      defaultText: 'ONRAMP_PLAID_WEBHOOK_URL',
    }),
  };
  if (config.sandboxWebhookUrl !== undefined && baseUrl !== undefined)
    r.problems.push(
      'ONRAMP_SANDBOX_PLAID_WEBHOOK_URL: only the built-in Plaid sandbox sends webhooks from this server (unset ONRAMP_PLAID_BASE_URL, or set the webhook in the Plaid dashboard)',
    );
  if (baseUrl !== undefined) {
    const why =
      mode === 'production'
        ? `in production mode (your Plaid API keys for ${baseUrl}, from the Plaid dashboard)`
        : `with ONRAMP_PLAID_BASE_URL=${baseUrl} (your Plaid API keys from the Plaid dashboard)`;
    r.require('ONRAMP_PLAID_CLIENT_ID', config.clientId, why);
    r.require('ONRAMP_PLAID_SECRET', config.secret, why);
  }
  if (mode === 'production') {
    if (baseUrl !== undefined && !baseUrl.startsWith('https://'))
      r.problems.push('ONRAMP_PLAID_BASE_URL: must be an https:// URL in production mode');
    if (config.webhookUrl !== undefined && !config.webhookUrl.startsWith('https://'))
      r.problems.push('ONRAMP_PLAID_WEBHOOK_URL: must be an https:// URL in production mode');
  }
  return config;
}
