// SMS and email settings (ONRAMP_SMS_*, ONRAMP_TWILIO_*, ONRAMP_EMAIL_*, ONRAMP_SMTP_URL): where codes and emails go.
import type { EnvReader, Mode } from '../../config.ts';

export type SmsProviderName = 'sandbox' | 'twilio';
export type EmailProviderName = 'sandbox' | 'smtp';

/** Where SMS and email go. Sandbox providers write to the sandbox inbox; production refuses them. */
export interface MessagingConfig {
  /** The name users see in codes and emails. */
  brandName: string;
  sms: {
    provider: SmsProviderName;
    timeoutMs: number;
    twilio: {
      accountSid: string | undefined;
      authToken: string | undefined;
      from: string | undefined;
      messagingServiceSid: string | undefined;
      baseUrl: string;
    };
  };
  email: {
    provider: EmailProviderName;
    timeoutMs: number;
    /** smtp:// or smtps:// URL with credentials, for the smtp provider. */
    smtpUrl: string | undefined;
    from: string;
  };
}

export function readMessagingConfig(r: EnvReader, mode: Mode, publicUrl: string): MessagingConfig {
  const fallback = mode === 'sandbox' ? 'sandbox' : undefined;
  const sms = r.oneOf<SmsProviderName | 'unset'>('ONRAMP_SMS_PROVIDER', fallback ?? 'unset', ['sandbox', 'twilio']);
  const email = r.oneOf<EmailProviderName | 'unset'>('ONRAMP_EMAIL_PROVIDER', fallback ?? 'unset', ['sandbox', 'smtp']);
  const config: MessagingConfig = {
    brandName: r.string('ONRAMP_BRAND_NAME', 'onramp', { maxLength: 40 }),
    sms: {
      provider: sms === 'unset' ? 'twilio' : sms,
      timeoutMs: r.int('ONRAMP_SMS_TIMEOUT_MS', 10_000, 100, 60_000),
      twilio: {
        accountSid: r.optional('ONRAMP_TWILIO_ACCOUNT_SID'),
        authToken: r.optional('ONRAMP_TWILIO_AUTH_TOKEN'),
        from: r.optional('ONRAMP_TWILIO_FROM'),
        messagingServiceSid: r.optional('ONRAMP_TWILIO_MESSAGING_SERVICE_SID'),
        baseUrl: r.url('ONRAMP_TWILIO_BASE_URL', 'https://api.twilio.com', ['https:', 'http:'])!,
      },
    },
    email: {
      provider: email === 'unset' ? 'smtp' : email,
      timeoutMs: r.int('ONRAMP_EMAIL_TIMEOUT_MS', 15_000, 100, 120_000),
      smtpUrl: r.url('ONRAMP_SMTP_URL', undefined, ['smtp:', 'smtps:']),
      from: r.string('ONRAMP_EMAIL_FROM', `onramp <no-reply@${new URL(publicUrl).hostname}>`, { maxLength: 300 }),
    },
  };
  const production = 'in production mode (choose a real provider; sandbox providers only write to the sandbox inbox)';
  if (sms === 'unset') r.problems.push(`ONRAMP_SMS_PROVIDER: is required ${production}`);
  if (email === 'unset') r.problems.push(`ONRAMP_EMAIL_PROVIDER: is required ${production}`);
  if (mode === 'production' && sms === 'sandbox')
    r.problems.push(`ONRAMP_SMS_PROVIDER: sandbox is not allowed ${production}`);
  if (mode === 'production' && email === 'sandbox')
    r.problems.push(`ONRAMP_EMAIL_PROVIDER: sandbox is not allowed ${production}`);
  if (sms === 'twilio') {
    const t = config.sms.twilio;
    r.require('ONRAMP_TWILIO_ACCOUNT_SID', t.accountSid, 'with ONRAMP_SMS_PROVIDER=twilio');
    r.require('ONRAMP_TWILIO_AUTH_TOKEN', t.authToken, 'with ONRAMP_SMS_PROVIDER=twilio');
    if (!t.from && !t.messagingServiceSid)
      r.problems.push(
        'ONRAMP_TWILIO_FROM or ONRAMP_TWILIO_MESSAGING_SERVICE_SID: one is required with ONRAMP_SMS_PROVIDER=twilio',
      );
    if (mode === 'production' && !t.baseUrl.startsWith('https://'))
      r.problems.push('ONRAMP_TWILIO_BASE_URL: must be an https:// URL in production mode');
  }
  if (email === 'smtp') r.require('ONRAMP_SMTP_URL', config.email.smtpUrl, 'with ONRAMP_EMAIL_PROVIDER=smtp');
  return config;
}
