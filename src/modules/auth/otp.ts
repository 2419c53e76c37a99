// Shared pieces of the one-time code flow: the opaque ids partners see, keyed hashes of codes, and
// the keys of the throttles. Six digits are too few for a plain hash (a leaked table would be
// reversed in a second), so codes and throttle keys are HMACs under the server's key ring.
import { AppError } from '../../errors/app-error.ts';
import { digestsEqual, type KeyRing } from '../../lib/crypto.ts';
import type { OtpChannel } from './tables.ts';

const PREFIX: Record<OtpChannel, string> = { SMS: 'phone_', EMAIL: 'email_' };
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ID_RE: Record<OtpChannel, RegExp> = {
  SMS: new RegExp(`^phone_(${UUID})$`),
  EMAIL: new RegExp(`^email_(${UUID})$`),
};

/** `phoneId` / `emailId`: opaque to the partner (not the number or address). */
export function publicOtpId(channel: OtpChannel, id: string): string {
  return `${PREFIX[channel]}${id}`;
}

export function parseOtpId(channel: OtpChannel, value: string): string {
  const match = ID_RE[channel].exec(value);
  if (match) return match[1]!;
  const field = channel === 'SMS' ? 'phoneId' : 'emailId';
  throw new AppError(channel === 'SMS' ? 'INVALID_PHONE_ID' : 'INVALID_EMAIL_ID', {
    message: `\`${field}\` must be the ${field} returned by ${channel === 'SMS' ? 'otp/sms:send' : 'otp/email:send'}`,
    data: { field, rule: 'format' },
  });
}

export function parseOtp(value: string): string {
  if (/^\d{6}$/.test(value)) return value;
  throw new AppError('INVALID_OTP', {
    message: '`otp` must be the six digits of the code',
    data: { field: 'otp', rule: 'sixDigits' },
  });
}

export function codeHash(keyring: KeyRing, id: string, code: string): string {
  return keyring.blindIndex(`${id}:${code}`, 'otp-code');
}

export function codeMatches(keyring: KeyRing, id: string, code: string, stored: string): boolean {
  return digestsEqual(Buffer.from(codeHash(keyring, id, code)), Buffer.from(stored));
}

export function destinationLabel(channel: OtpChannel): string {
  return channel === 'SMS' ? 'this phone number' : 'this email address';
}

export function sendKey(keyring: KeyRing, channel: OtpChannel, destination: string): string {
  return `otp-send:${channel}:${keyring.blindIndex(destination, 'throttle')}`;
}

export function clientSendKey(clientId: string): string {
  return `otp-send-client:${clientId}`;
}

export function ipKey(keyring: KeyRing, ip: string): string {
  return `otp-send-ip:${keyring.blindIndex(ip, 'throttle')}`;
}

export function failureKey(keyring: KeyRing, channel: OtpChannel, destination: string): string {
  return `otp-fail:${channel}:${keyring.blindIndex(destination, 'throttle')}`;
}
