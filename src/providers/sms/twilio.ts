// Twilio Programmable Messaging: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json with
// form fields To, From (or MessagingServiceSid) and Body, HTTP Basic auth (Account SID : Auth Token).
// Twilio's recipient errors become the API's phone codes; everything else is SERVICE_UNAVAILABLE.
// A message is retried only when Twilio says it did not accept it (429), so a code is never sent twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../errors/app-error.ts';
import type { SmsMessage, SmsProvider } from './types.ts';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  baseUrl: string;
  timeoutMs: number;
  /** Messages not delivered within this many seconds are dropped by Twilio (one-time codes go stale). */
  validityPeriodSeconds?: number;
}

const MAX_ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;

// https://www.twilio.com/docs/api/errors — the ones that mean "this recipient", not "this server".
const RECIPIENT_ERRORS: Record<
  number,
  { code: 'INVALID_PHONE' | 'INVALID_PHONE_TYPE' | 'INVALID_PHONE_COUNTRY_CODE'; message: string }
> = {
  21211: { code: 'INVALID_PHONE', message: 'The SMS provider says `phoneNumber` is not a valid phone number' },
  21614: {
    code: 'INVALID_PHONE_TYPE',
    message: 'The SMS provider says `phoneNumber` cannot receive SMS; only mobile numbers are supported',
  },
  21408: { code: 'INVALID_PHONE_COUNTRY_CODE', message: 'The SMS provider cannot send to the region of `phoneNumber`' },
  21612: { code: 'INVALID_PHONE', message: 'The SMS provider cannot route messages to `phoneNumber`' },
  21610: { code: 'INVALID_PHONE', message: '`phoneNumber` has opted out of messages from this sender (replied STOP)' },
};

interface TwilioError {
  code?: number;
  message?: string;
}

export class TwilioSmsProvider implements SmsProvider {
  readonly name = 'twilio';
  constructor(private readonly opts: TwilioOptions) {}

  private requestBody(message: SmsMessage): URLSearchParams {
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    if (this.opts.messagingServiceSid) {
      form.set('MessagingServiceSid', this.opts.messagingServiceSid);
      if (this.opts.validityPeriodSeconds) form.set('ValidityPeriod', String(this.opts.validityPeriodSeconds));
    } else {
      form.set('From', this.opts.from!);
    }
    return form;
  }

  /** GET the account resource: reachable, and the SID and token accepted. */
  async probe(signal: AbortSignal): Promise<void> {
    const url = `${this.opts.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(this.opts.accountSid)}.json`;
    const auth = Buffer.from(`${this.opts.accountSid}:${this.opts.authToken}`).toString('base64');
    const res = await fetch(url, {
      headers: { authorization: `Basic ${auth}` },
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.opts.timeoutMs)]),
      redirect: 'error',
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`Twilio answered ${res.status}${res.status === 401 ? ' (credentials refused)' : ''}`);
  }

  async send(message: SmsMessage): Promise<{ id: string }> {
    const url = `${this.opts.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(this.opts.accountSid)}/Messages.json`;
    const auth = Buffer.from(`${this.opts.accountSid}:${this.opts.authToken}`).toString('base64');
    for (let attempt = 1; ; attempt++) {
      const response = await this.post(url, auth, this.requestBody(message));
      const body = (await response.json().catch(() => ({}))) as TwilioError & { sid?: string };
      if (response.ok && typeof body.sid === 'string') return { id: body.sid };
      if (response.status === 429 && attempt < MAX_ATTEMPTS) {
        await sleep(RETRY_DELAY_MS * attempt);
        continue;
      }
      throw this.failure(response.status, body);
    }
  }

  private async post(url: string, auth: string, form: URLSearchParams): Promise<Response> {
    try {
      return await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${auth}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form,
        redirect: 'error',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (error) {
      throw unavailable(`the SMS provider could not be reached (${(error as Error).name})`);
    }
  }

  private failure(status: number, body: TwilioError): AppError {
    const known = body.code !== undefined ? RECIPIENT_ERRORS[body.code] : undefined;
    if (known)
      return new AppError(known.code, {
        message: known.message,
        data: { field: 'phoneNumber', rule: 'provider', providerCode: body.code },
      });
    return unavailable(`the SMS provider answered ${status}${body.code ? ` (error ${body.code})` : ''}`);
  }
}

function unavailable(reason: string): AppError {
  return new AppError('SERVICE_UNAVAILABLE', {
    message: `The code could not be sent: ${reason}; retry later`,
    headers: { 'retry-after': '30' },
  });
}
