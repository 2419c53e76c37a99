// Email over SMTP with nodemailer (ONRAMP_SMTP_URL: smtp:// or smtps://, credentials in the URL).
// Every stage of the SMTP conversation has a timeout; a failure is SERVICE_UNAVAILABLE, and the URL
// (which holds the password) never appears in a message or log.
import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import { AppError } from '../../errors/app-error.ts';
import type { EmailMessage, EmailProvider } from './types.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface SmtpOptions {
  url: string;
  from: string;
  timeoutMs: number;
}

export class SmtpEmailProvider implements EmailProvider {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(private readonly opts: SmtpOptions) {
    const url = new URL(opts.url);
    const t = opts.timeoutMs;
    // Loaded only by deployments that send email over SMTP (a CommonJS package: require() is synchronous).
    const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof import('nodemailer');
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      // smtp:// must upgrade with STARTTLS, except to a relay on this machine.
      requireTLS: url.protocol === 'smtp:' && !LOOPBACK.has(url.hostname),
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      connectionTimeout: t,
      greetingTimeout: t,
      socketTimeout: t,
      dnsTimeout: t,
    });
  }

  async send(message: EmailMessage): Promise<{ id: string }> {
    try {
      const info = await this.transport.sendMail({
        from: this.opts.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      if ((info.rejected ?? []).length > 0) throw new Error('recipient rejected');
      return { id: info.messageId };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      throw new AppError('SERVICE_UNAVAILABLE', {
        message: `The email could not be sent: the mail server ${code ? `answered ${code}` : 'could not be reached'}; retry later`,
        headers: { 'retry-after': '30' },
      });
    }
  }

  /** Connects, greets, upgrades to TLS and authenticates (nodemailer's verify), sending nothing. */
  async probe(signal: AbortSignal): Promise<void> {
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error('the mail server did not answer in time')), {
        once: true,
      }),
    );
    try {
      await Promise.race([this.transport.verify(), aborted]);
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // The message of a failed verify can quote the server; the URL (with the password) never appears.
      throw new Error(code ? `the mail server answered ${code}` : (error as Error).message);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
