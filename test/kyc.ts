// KYC helpers for tests of any module: a KYC submission through the API as a partner sends it, waiting
// for its decision, the hosted identity-verification page's own API (what the page calls when a tester
// passes or fails a document), and waiting for a job queue to go idle.
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../src/db/index.ts';
import { post, type Headers } from './auth.ts';
import type { TestApp } from './helpers.ts';
import { until } from './purchases.ts';

export { until };

/** A sandbox SSN whose first digit picks the outcome (2–9 approved, 1 in review, 0 declined). */
export function sandboxSsn(first: '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9'): string {
  return `${first}${String(randomInt(10, 100))}${String(randomInt(10, 100))}${String(randomInt(1000, 10_000))}`;
}

export function kycBody(idNumber: string, overrides: Record<string, unknown> = {}) {
  return {
    dateOfBirth: '1990-04-21',
    idType: 'SSN',
    idNumber,
    line1: '1 Main St',
    line2: 'Apt 2',
    city: 'Springfield',
    state: 'IL',
    postalCode: '62701',
    nationality: 'US',
    occupation: 'Engineer',
    ...overrides,
  };
}

/** GET /v1/users/{id} until `kyc.status` is `status`; answers the user. */
export async function waitForKycStatus(
  t: TestApp,
  user: { id: string; headers: Headers },
  status: string,
  timeoutMs = 120_000,
): Promise<Record<string, unknown> & { kyc: Record<string, string>; flags: Array<{ code: string }> }> {
  return until(
    `KYC ${status}`,
    async () => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}`, headers: user.headers });
      return res.json().kyc?.status === status ? res.json() : undefined;
    },
    timeoutMs,
  );
}

/** The statuses of the user's KYC_UPDATED events, oldest first. */
export async function kycEventStatuses(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('events')
    .select('data')
    .where('user_id', '=', userId)
    .where('type', '=', 'KYC_UPDATED')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => (r.data as { status: string }).status);
}

export function requestIdv(t: TestApp, user: { id: string; headers: Headers }) {
  return post(t, `/v1/users/${user.id}/idv`, {}, user.headers);
}

/**
 * What the hosted page does when the tester uploads a document and picks the outcome: POST to
 * the page's API with the key of the shareable URL.
 */
export async function submitSandboxDocument(url: string, outcome: 'pass' | 'fail'): Promise<Response> {
  const parsed = new URL(url);
  return fetch(`${parsed.origin}${parsed.pathname}/document`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      key: parsed.searchParams.get('key'),
      category: 'drivers_license',
      fileName: 'license.png',
      fileType: 'image/png',
      fileSize: 2048,
      outcome,
    }),
  });
}

/** Waits until no job of `queue` is waiting, retrying or running (bounded). */
export async function queueIdle(db: Db, queue: string, timeoutMs = 120_000): Promise<void> {
  await until(
    `${queue} idle`,
    async () => {
      const row = await sql<{ n: string }>`
        select count(*)::text as n from pgboss.job
        where name = ${queue} and state in ('created', 'retry', 'active')
          and start_after <= now() + interval '5 seconds'`.execute(db);
      return row.rows[0]?.n === '0' ? true : undefined;
    },
    timeoutMs,
  );
}
