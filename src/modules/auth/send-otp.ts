// POST /v1/auth/otp/sms:send and email:send — a six-digit code from the CSPRNG, stored as a keyed
// hash, valid ten minutes, sent through the configured provider. Sending is throttled in the database
// per phone or email, per client, and per end-user IP; a locked-out phone or email gets no new code.
//
// The end user's IP is not the caller's when a partner's backend sends every user's codes (client
// secret): it is the `ip` of their ratio-device-fingerprint, and without one there is no per-IP
// limit (the per-client and per-destination limits still hold). A client-session caller is the end
// user's own browser or app, so its socket IP is used and the fingerprint (which it writes) is not.
import { randomInt } from 'node:crypto';
import { maskEmail, parseEmail } from '../../lib/email.ts';
import { newId } from '../../lib/crypto.ts';
import { maskPhone, parseUsMobile } from '../../lib/phone.ts';
import type { Tx } from '../../db/index.ts';
import type { DeviceFingerprint } from '../../plugins/fingerprint.ts';
import type { ClientPrincipal, UserSession } from '../../plugins/types.ts';
import { recordPhoneEntered } from './funnel.ts';
import type { AuthDeps } from './deps.ts';
import { otpEmail, smsText } from './otp-messages.ts';
import { deleteOldOtpCodes, insertOtpCode } from './otp-repository.ts';
import { clientSendKey, codeHash, destinationLabel, failureKey, ipKey, publicOtpId, sendKey } from './otp.ts';
import type { OtpChannel } from './tables.ts';
import { assertNotLocked, consume, type Limit } from './throttle.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** Where a send request comes from, for the per-IP limit. */
export interface OtpSendOrigin {
  /** The end user's IP; undefined when a secret-holding backend sent no fingerprint. */
  endUserIp: string | undefined;
}

export function otpSendOrigin(
  client: Pick<ClientPrincipal, 'via'>,
  socketIp: string,
  fingerprint: Pick<DeviceFingerprint, 'ip'> | null,
): OtpSendOrigin {
  return { endUserIp: client.via === 'session' ? socketIp : fingerprint?.ip };
}

export interface SendSmsOtpOutput {
  phoneId: string;
  phoneMask: string;
}

export interface SendEmailOtpOutput {
  emailId: string;
  emailMask: string;
}

export async function sendSmsOtp(
  deps: AuthDeps,
  client: ClientPrincipal,
  origin: OtpSendOrigin,
  phoneNumber: string,
  session: UserSession | null = null,
): Promise<SendSmsOtpOutput> {
  const phone = parseUsMobile(phoneNumber, 'phoneNumber');
  const ttlMinutes = Math.round(deps.config.otp.ttlSeconds / 60);
  const wallet = session?.wallet;
  const record = wallet ? (trx: Tx, now: Date) => recordPhoneEntered(trx, client.id, wallet, now) : undefined;
  const id = await issueCode(
    deps,
    client,
    origin,
    'SMS',
    phone,
    async (code) => {
      await deps.messaging.sendSms({
        to: phone,
        body: smsText(deps.messaging.brandName, code, ttlMinutes),
        clientId: client.id,
      });
    },
    record,
  );
  return { phoneId: publicOtpId('SMS', id), phoneMask: maskPhone(phone) };
}

export async function sendEmailOtp(
  deps: AuthDeps,
  client: ClientPrincipal,
  origin: OtpSendOrigin,
  emailAddress: string,
  field: string,
): Promise<SendEmailOtpOutput> {
  const email = parseEmail(emailAddress, field);
  const ttlMinutes = Math.round(deps.config.otp.ttlSeconds / 60);
  const id = await issueCode(deps, client, origin, 'EMAIL', email, async (code) => {
    await deps.messaging.sendEmail({
      ...otpEmail(deps.messaging.brandName, email, code, ttlMinutes),
      clientId: client.id,
    });
  });
  return { emailId: publicOtpId('EMAIL', id), emailMask: maskEmail(email) };
}

function sendLimits(
  deps: AuthDeps,
  client: ClientPrincipal,
  origin: OtpSendOrigin,
  channel: OtpChannel,
  destination: string,
): Limit[] {
  const { otp } = deps.config;
  const limits: Limit[] = [
    {
      key: sendKey(deps.keyring, channel, destination),
      max: otp.sendsPerDestinationPerHour,
      windowMs: HOUR_MS,
      minGapMs: otp.resendIntervalSeconds * 1000,
      label: destinationLabel(channel),
    },
    { key: clientSendKey(client.id), max: otp.sendsPerClientPerHour, windowMs: HOUR_MS, label: 'this client' },
  ];
  if (origin.endUserIp !== undefined) {
    limits.push({
      key: ipKey(deps.keyring, origin.endUserIp),
      max: otp.sendsPerIpPerHour,
      windowMs: HOUR_MS,
      label: "the end user's IP address",
    });
  }
  return limits;
}

/** Throttles, stores the code, then sends it (after the commit: no network call inside a transaction). */
async function issueCode(
  deps: AuthDeps,
  client: ClientPrincipal,
  origin: OtpSendOrigin,
  channel: OtpChannel,
  destination: string,
  send: (code: string) => Promise<void>,
  /** Recorded with the code (the funnel's "entered a phone number"). */
  record?: (trx: Tx, now: Date) => Promise<void>,
): Promise<string> {
  const { otp } = deps.config;
  const now = deps.clock.now();
  const label = destinationLabel(channel);
  await assertNotLocked(deps.db, failureKey(deps.keyring, channel, destination), label, now);
  const id = newId();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await deps.db.transaction().execute(async (trx) => {
    await consume(trx, now, sendLimits(deps, client, origin, channel, destination));
    await deleteOldOtpCodes(trx, channel, destination, new Date(now.getTime() - DAY_MS));
    await insertOtpCode(trx, {
      id,
      client_id: client.id,
      channel,
      destination,
      code_hash: codeHash(deps.keyring, id, code),
      attempts: 0,
      created_at: now,
      expires_at: new Date(now.getTime() + otp.ttlSeconds * 1000),
      consumed_at: null,
    });
    await record?.(trx, now);
  });
  await send(code);
  return id;
}
