// The dashboard's users: a searchable list and a user page, with personal data masked (email and
// phone partly, names as first name and initial; SSN, date of birth and address never).
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { normalizeAddress } from '../../lib/addresses.ts';
import { maskEmail } from '../../lib/email.ts';
import { FLAGS, isFlagCode } from '../flags/index.ts';
import { listUserActivity, type ListActivityInput } from '../activity/list-activity.ts';
import { pageUsers, userDetailRows, userOfClient, type UserCursor, type UserSearch } from './user-queries.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type OnboardingState = 'KYC_NOT_SUBMITTED' | 'KYC_PENDING' | 'KYC_DECLINED' | 'BANK_NOT_VERIFIED' | 'ONBOARDED';

export function onboardingState(kyc: string | null, bankVerified: boolean): OnboardingState {
  if (kyc === null) return 'KYC_NOT_SUBMITTED';
  if (kyc === 'DECLINED') return 'KYC_DECLINED';
  if (kyc !== 'APPROVED') return 'KYC_PENDING';
  return bankVerified ? 'ONBOARDED' : 'BANK_NOT_VERIFIED';
}

export const maskPhone = (phone: string) => `•••${phone.slice(-4)}`;
export const maskName = (first: string, last: string) => `${first} ${last.charAt(0)}.`;

/** What the search box may hold: a user id, a wallet address, an email or a phone number. */
export function parseSearch(q: string | undefined): UserSearch | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  if (UUID.test(text)) return { kind: 'id', value: text.toLowerCase() };
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) {
    const address = normalizeAddress('EVM', text) ?? normalizeAddress('EVM', text.toLowerCase());
    return { kind: 'wallet', value: address! };
  }
  if (text.includes('@')) return { kind: 'email', value: text.toLowerCase() };
  const digits = text.replace(/[\s().-]/g, '');
  if (/^\+?1?\d{10}$/.test(digits)) return { kind: 'phone', value: `+1${digits.slice(-10)}` };
  if (normalizeAddress('SOLANA', text)) return { kind: 'wallet', value: text };
  throw new AppError('INVALID_BODY', {
    message: '`q` must be a user id, a wallet address, an email address or a US phone number',
    data: { field: 'q', rule: 'search' },
  });
}

function encodeCursor(c: UserCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(token: string): UserCursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as UserCursor;
    if (
      typeof c.joinedAt === 'string' &&
      typeof c.id === 'string' &&
      UUID.test(c.id) &&
      !Number.isNaN(Date.parse(c.joinedAt))
    )
      return c;
  } catch {
    // answered below
  }
  throw new AppError('INVALID_PAGE_TOKEN', { data: { field: 'pageToken', rule: 'nextPageToken' } });
}

export async function listUsers(
  ctx: AppContext,
  clientId: string,
  query: { q?: string; pageSize?: number; pageToken?: string },
) {
  const limit = query.pageSize ?? 25;
  const rows = await pageUsers(ctx.db, clientId, {
    ...(query.q ? { search: parseSearch(query.q)! } : {}),
    ...(query.pageToken ? { after: decodeCursor(query.pageToken) } : {}),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      name: maskName(r.first_name, r.last_name),
      emailMask: maskEmail(r.email),
      phoneMask: maskPhone(r.phone),
      joinTime: r.joined_at.toISOString(),
      onboarding: onboardingState(r.kyc_status, r.bank_verified),
      kycStatus: r.kyc_status ?? 'NOT_SUBMITTED',
      bankStatus: r.bank_verification_status ? `${r.bank_verification_status} / ${r.bank_link_status}` : 'NONE',
      flags: r.flags ?? [],
      transactions: Number(r.transactions),
      ...(r.last_activity_at ? { lastActivityTime: r.last_activity_at.toISOString() } : {}),
    })),
    ...(rows.length > limit && last
      ? { nextPageToken: encodeCursor({ joinedAt: last.joined_at_text, id: last.id }) }
      : {}),
  };
}

async function assertUserOfClient(ctx: AppContext, clientId: string, userId: string): Promise<string> {
  const id = userId.toLowerCase();
  // Another client's user is indistinguishable from no user.
  if (!UUID.test(id) || !(await userOfClient(ctx.db, clientId, id)))
    throw new AppError('NOT_FOUND_USER', { data: { userId } });
  return id;
}

export async function getUser(ctx: AppContext, clientId: string, userId: string) {
  const id = await assertUserOfClient(ctx, clientId, userId);
  const d = await userDetailRows(ctx.db, clientId, id);
  const bankVerified = d.banks.some((b) => b.verification_status === 'APPROVED' && b.verified_at !== null);
  const iso = (t: Date | null | undefined) => (t ? t.toISOString() : undefined);
  return {
    id,
    name: maskName(d.user.first_name, d.user.last_name),
    emailMask: maskEmail(d.user.email),
    phoneMask: maskPhone(d.user.phone),
    country: d.user.country,
    createTime: d.user.created_at.toISOString(),
    joinTime: d.joinedAt.toISOString(),
    onboarding: onboardingState(d.kyc?.status ?? null, bankVerified),
    kyc: d.kyc
      ? { status: d.kyc.status, submitTime: iso(d.kyc.submitted_at), decideTime: iso(d.kyc.decided_at) }
      : { status: 'NOT_SUBMITTED' },
    banks: d.banks.map((b) => ({
      id: b.id,
      institution: b.institution_name ?? undefined,
      name: b.account_name,
      mask: b.mask ?? undefined,
      linkStatus: b.link_status,
      verificationStatus: b.verification_status,
      createTime: b.created_at.toISOString(),
      deleteTime: iso(b.deleted_at),
    })),
    signingWallets: d.signing.map((w) => ({
      type: w.wallet_type,
      address: w.address,
      createTime: w.created_at.toISOString(),
    })),
    depositWallets: d.deposit.map((w) => ({
      id: w.id,
      type: w.type,
      address: w.address,
      name: w.name ?? undefined,
      createTime: w.created_at.toISOString(),
    })),
    flags: d.flags.map((f) => ({
      code: f.code,
      description: isFlagCode(f.code) ? FLAGS[f.code].description : f.code,
      setTime: f.set_at.toISOString(),
      clearTime: iso(f.cleared_at),
      active: f.cleared_at === null,
    })),
    transactions: Number(d.transactions),
  };
}

/** The user's activity through this client, with the API's filters and paging. */
export async function userActivity(ctx: AppContext, clientId: string, userId: string, query: ListActivityInput) {
  const id = await assertUserOfClient(ctx, clientId, userId);
  return listUserActivity(ctx.db, id, { ...query, clientId });
}
