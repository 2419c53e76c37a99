// Dashboard helpers for tests: members invited as the operator does it (`onramp dashboard invite`),
// and sign-in through the emailed code read from the sandbox inbox, giving the cookie and CSRF token.
import { runCommand } from '../src/operator/run.ts';
import { latestCode, testEmail } from './auth.ts';
import type { TestApp } from './helpers.ts';

export interface DashboardSession {
  email: string;
  cookie: string;
  csrf: string;
  /** Headers for a read (the cookie). */
  read: Record<string, string>;
  /** Headers for a write (cookie + CSRF token). */
  write: Record<string, string>;
}

export async function invite(t: TestApp, clientId: string, role: 'admin' | 'viewer', email = testEmail()) {
  const outcome = await runCommand(t.ctx, [
    'dashboard',
    'invite',
    '--client',
    clientId,
    '--email',
    email,
    '--role',
    role,
  ]);
  if (outcome.exitCode !== 0) throw new Error(`dashboard invite failed: ${outcome.error}`);
  return { email, id: (outcome.output as { id: string }).id };
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie.join('; ') : (setCookie ?? '');
  const match = /onramp_dashboard=([^;]+)/.exec(header);
  if (!match) throw new Error(`no session cookie in ${header}`);
  return `onramp_dashboard=${match[1]}`;
}

/** Email code → verify: a signed-in session for a member. */
export async function dashboardSignIn(t: TestApp, email: string): Promise<DashboardSession> {
  const sent = await t.app.inject({ method: 'POST', url: '/dashboard/api/sign-in/code', payload: { email } });
  if (sent.statusCode !== 200) throw new Error(`sign-in/code: ${sent.body}`);
  const code = await latestCode(t, email);
  const verified = await t.app.inject({
    method: 'POST',
    url: '/dashboard/api/sign-in/verify',
    payload: { signInId: sent.json().signInId, code },
  });
  if (verified.statusCode !== 200) throw new Error(`sign-in/verify: ${verified.body}`);
  const cookie = cookieOf(verified.headers['set-cookie']);
  const csrf = verified.json().csrfToken as string;
  return { email, cookie, csrf, read: { cookie }, write: { cookie, 'x-csrf-token': csrf } };
}
