// The SMS and email services on ctx (ctx.messaging), built from config at start. Any module sends
// through them: one-time codes here, transactional email from the Users module later.
import type { MessagingConfig } from './config.ts';
import type { SandboxInbox } from '../../sandbox/inbox/store.ts';
import { SandboxEmailProvider } from '../email/sandbox.ts';
import { SmtpEmailProvider } from '../email/smtp.ts';
import type { EmailMessage, EmailProvider } from '../email/types.ts';
import { SandboxSmsProvider } from '../sms/sandbox.ts';
import { TwilioSmsProvider } from '../sms/twilio.ts';
import type { SmsMessage, SmsProvider } from '../sms/types.ts';

export type { EmailMessage, SmsMessage };

export class Messaging {
  constructor(
    readonly sms: SmsProvider,
    readonly email: EmailProvider,
    /** The name users see in messages. */
    readonly brandName: string,
  ) {}

  sendSms(message: SmsMessage): Promise<{ id: string }> {
    return this.sms.send(message);
  }

  sendEmail(message: EmailMessage): Promise<{ id: string }> {
    return this.email.send(message);
  }

  async close(): Promise<void> {
    await this.email.close?.();
  }
}

export function createMessaging(config: MessagingConfig, inbox: SandboxInbox, otpTtlSeconds: number): Messaging {
  const sms: SmsProvider =
    config.sms.provider === 'twilio'
      ? new TwilioSmsProvider({
          accountSid: config.sms.twilio.accountSid!,
          authToken: config.sms.twilio.authToken!,
          ...(config.sms.twilio.from ? { from: config.sms.twilio.from } : {}),
          ...(config.sms.twilio.messagingServiceSid
            ? { messagingServiceSid: config.sms.twilio.messagingServiceSid }
            : {}),
          baseUrl: config.sms.twilio.baseUrl,
          timeoutMs: config.sms.timeoutMs,
          validityPeriodSeconds: otpTtlSeconds,
        })
      : new SandboxSmsProvider(inbox);
  const email: EmailProvider =
    config.email.provider === 'smtp'
      ? new SmtpEmailProvider({
          url: config.email.smtpUrl!,
          from: config.email.from,
          timeoutMs: config.email.timeoutMs,
        })
      : new SandboxEmailProvider(inbox);
  return new Messaging(sms, email, config.brandName);
}
