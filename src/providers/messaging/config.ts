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
  const sms = r.oneOf<SmsProviderName | 'unset'>('ONRAMP_SMS_PROVIDER', fallback ?? 'unset', ['sandbox', 'twilio'], {
    doc: 'where SMS codes go: `sandbox` writes them to the sandbox inbox (GET /sandbox/inbox; refused in production), `twilio` sends them through Twilio',
    example: 'twilio',
  });
  const email = r.oneOf<EmailProviderName | 'unset'>(
    'ONRAMP_EMAIL_PROVIDER',
    fallback ?? 'unset',
    ['sandbox', 'smtp'],
    {
      doc: 'where email codes and notices go: `sandbox` writes them to the sandbox inbox (refused in production), `smtp` sends them through ONRAMP_SMTP_URL',
      example: 'smtp',
    },
  );
  const config: MessagingConfig = {
    brandName: r.string('ONRAMP_BRAND_NAME', 'onramp', {
      maxLength: 40,
      doc: 'the name users see in codes and emails (and in Plaid Link by default)',
      example: 'Acme Onramp',
    }),
    sms: {
      provider: sms === 'unset' ? 'twilio' : sms,
      timeoutMs: r.int('ONRAMP_SMS_TIMEOUT_MS', 10_000, 100, 60_000, 'per request to the SMS provider'),
      twilio: readTwilioConfig(r),
    },
    email: {
      provider: email === 'unset' ? 'smtp' : email,
      timeoutMs: r.int('ONRAMP_EMAIL_TIMEOUT_MS', 15_000, 100, 120_000, 'per message to the SMTP server'),
      smtpUrl: r.url('ONRAMP_SMTP_URL', undefined, ['smtp:', 'smtps:'], {
        doc: 'the SMTP server, with credentials (`smtps://user:password@smtp.example.com:465`)',
        example: 'smtps://USER:PASSWORD@smtp.example.com:465',
      }),
      from: r.string('ONRAMP_EMAIL_FROM', `onramp <no-reply@${new URL(publicUrl).hostname}>`, {
        maxLength: 300,
        doc: 'the From of every email',
        defaultText: 'onramp <no-reply@host of ONRAMP_PUBLIC_URL>',
        example: 'Acme Onramp <no-reply@example.com>',
      }),
    },
  };
  checkMessagingConfig(r, mode, config, { sms, email });
  return config;
}

function readTwilioConfig(r: EnvReader): MessagingConfig['sms']['twilio'] {
  return {
    accountSid: r.optional('ONRAMP_TWILIO_ACCOUNT_SID', {
      doc: 'your Twilio account SID (`AC…`)',
      example: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
    }),
    authToken: r.secret('ONRAMP_TWILIO_AUTH_TOKEN', {
      doc: 'your Twilio auth token',
      example: 'CHANGE_ME',
    }),
    from: r.optional('ONRAMP_TWILIO_FROM', {
      doc: 'the number codes are sent from (E.164, `+1…`); with ONRAMP_SMS_PROVIDER=twilio, this or ONRAMP_TWILIO_MESSAGING_SERVICE_SID is required',
      example: '+15005550006',
    }),
    messagingServiceSid: r.optional('ONRAMP_TWILIO_MESSAGING_SERVICE_SID', {
      doc: 'a Twilio Messaging Service (`MG…`) to send from instead of ONRAMP_TWILIO_FROM',
    }),
    baseUrl: r.url('ONRAMP_TWILIO_BASE_URL', 'https://api.twilio.com', ['https:', 'http:'], {
      doc: "Twilio's API (a stand-in's URL in tests); https:// in production",
    })!,
  };
}

function checkMessagingConfig(
  r: EnvReader,
  mode: Mode,
  config: MessagingConfig,
  chosen: { sms: SmsProviderName | 'unset'; email: EmailProviderName | 'unset' },
): void {
  const inbox = 'the sandbox provider only writes to the sandbox inbox';
  if (mode === 'production') {
    r.require(
      'ONRAMP_SMS_PROVIDER',
      chosen.sms === 'unset' ? undefined : chosen.sms,
      `in production mode: twilio (${inbox})`,
    );
    r.require(
      'ONRAMP_EMAIL_PROVIDER',
      chosen.email === 'unset' ? undefined : chosen.email,
      `in production mode: smtp (${inbox})`,
    );
    if (chosen.sms === 'sandbox')
      r.problems.push(`ONRAMP_SMS_PROVIDER: sandbox is not allowed in production mode; use twilio (${inbox})`);
    if (chosen.email === 'sandbox')
      r.problems.push(`ONRAMP_EMAIL_PROVIDER: sandbox is not allowed in production mode; use smtp (${inbox})`);
  }
  if (chosen.sms === 'twilio') {
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
  if (chosen.email === 'smtp') r.require('ONRAMP_SMTP_URL', config.email.smtpUrl, 'with ONRAMP_EMAIL_PROVIDER=smtp');
}
