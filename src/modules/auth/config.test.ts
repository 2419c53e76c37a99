import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config.ts';
import { PRODUCTION_CHAIN_ENV, configProblems, TEST_KEYS_ENV } from '../../../test/chain-env.ts';

const problems = configProblems;

const PRODUCTION = {
  ONRAMP_MODE: 'production',
  ...TEST_KEYS_ENV,
  DATABASE_URL: 'postgres://db/onramp',
  ONRAMP_PUBLIC_URL: 'https://onramp.example.com',
  ...PRODUCTION_CHAIN_ENV,
};

describe('auth and messaging configuration', () => {
  it('defaults to sandbox providers, 5-minute JWTs and a challenge for the public URL in sandbox mode', () => {
    const config = loadConfig({ ONRAMP_PUBLIC_URL: 'https://sandbox.example.com' });
    assert.equal(config.messaging.sms.provider, 'sandbox');
    assert.equal(config.messaging.email.provider, 'sandbox');
    assert.equal(config.auth.jwt.ttlSeconds, 300);
    assert.equal(config.auth.jwt.refreshWithinSeconds, 120);
    assert.equal(config.auth.session.idleSeconds, 600);
    assert.equal(config.auth.challenge.domain, 'sandbox.example.com');
    assert.equal(config.auth.challenge.uri, 'https://sandbox.example.com');
    assert.equal(config.auth.otp.ttlSeconds, 600);
    assert.equal(config.auth.otp.maxAttempts, 5);
  });

  it('refuses sandbox providers in production and requires a choice', () => {
    const sandbox = problems({ ...PRODUCTION, ONRAMP_SMS_PROVIDER: 'sandbox', ONRAMP_EMAIL_PROVIDER: 'sandbox' });
    assert.ok(sandbox.some((p) => p.startsWith('ONRAMP_SMS_PROVIDER: sandbox is not allowed in production mode')));
    assert.ok(sandbox.some((p) => p.startsWith('ONRAMP_EMAIL_PROVIDER: sandbox is not allowed in production mode')));
    const unset = problems(PRODUCTION);
    assert.ok(unset.some((p) => p.startsWith('ONRAMP_SMS_PROVIDER: is required in production mode')));
    assert.ok(unset.some((p) => p.startsWith('ONRAMP_EMAIL_PROVIDER: is required in production mode')));
  });

  it('needs Twilio credentials and an SMTP URL for the real providers, and accepts them', () => {
    const found = problems({ ...PRODUCTION, ONRAMP_SMS_PROVIDER: 'twilio', ONRAMP_EMAIL_PROVIDER: 'smtp' });
    for (const name of [
      'ONRAMP_TWILIO_ACCOUNT_SID',
      'ONRAMP_TWILIO_AUTH_TOKEN',
      'ONRAMP_TWILIO_FROM or ONRAMP_TWILIO_MESSAGING_SERVICE_SID',
      'ONRAMP_SMTP_URL',
    ]) {
      assert.ok(
        found.some((p) => p.startsWith(`${name}:`)),
        name,
      );
    }
    const config = loadConfig({
      ...PRODUCTION,
      ONRAMP_SMS_PROVIDER: 'twilio',
      ONRAMP_TWILIO_ACCOUNT_SID: 'AC1',
      ONRAMP_TWILIO_AUTH_TOKEN: 'token',
      ONRAMP_TWILIO_MESSAGING_SERVICE_SID: 'MG1',
      ONRAMP_EMAIL_PROVIDER: 'smtp',
      ONRAMP_SMTP_URL: 'smtps://user:pass@smtp.example.com',
    });
    assert.equal(config.messaging.sms.twilio.baseUrl, 'https://api.twilio.com');
  });

  it('keeps challenges at 5 minutes or less, codes at 10 minutes or less, and the refresh window inside the JWT lifetime', () => {
    assert.ok(
      problems({ ONRAMP_WALLET_CHALLENGE_TTL_SECONDS: '600' }).some((p) =>
        p.startsWith('ONRAMP_WALLET_CHALLENGE_TTL_SECONDS'),
      ),
    );
    assert.ok(problems({ ONRAMP_OTP_TTL_SECONDS: '900' }).some((p) => p.startsWith('ONRAMP_OTP_TTL_SECONDS')));
    assert.ok(problems({ ONRAMP_OTP_MAX_ATTEMPTS: '6' }).some((p) => p.startsWith('ONRAMP_OTP_MAX_ATTEMPTS')));
    assert.ok(
      problems({ ONRAMP_JWT_TTL_SECONDS: '120', ONRAMP_JWT_REFRESH_WITHIN_SECONDS: '120' }).some((p) =>
        p.startsWith('ONRAMP_JWT_REFRESH_WITHIN_SECONDS'),
      ),
    );
  });
});
