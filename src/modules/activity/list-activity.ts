// GET /v1/users/{userId}/activity: the user's activity, newest first, keyset-paged.
//
// nextPageToken is base64url JSON carrying the user, the filters of the first page and the position
// of the last item returned. A later page needs only pageToken; sending filters is allowed only if
// they are the first page's (UNSUPPORTED_QUERY_PARAMETERS otherwise), so a page never mixes two queries.
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import {
  listActivity,
  toActivityItem,
  type ActivityCursor,
  type ActivityFilters,
  type ActivityItem,
} from './repository.ts';
import { DEFAULT_PAGE_SIZE } from './schemas.ts';
import { ACTIVITY_STATUSES, CRYPTO_CURRENCIES, type ActivityStatus, type CryptoCurrency } from './tables.ts';

export interface ListActivityInput {
  pageSize?: number;
  pageToken?: string;
  fromCreateTime?: string;
  toCreateTime?: string;
  walletId?: string;
  cryptoCurrency?: CryptoCurrency;
  cryptoStatus?: string[];
  fiatStatus?: string[];
  /** Only this client's items (the partner dashboard). */
  clientId?: string;
}

export interface ListActivityOutput {
  items: ActivityItem[];
  nextPageToken?: string;
}

interface PageToken {
  v: 1;
  u: string;
  f: ActivityFilters;
  c: ActivityCursor;
}

function statuses(values: string[] | undefined): ActivityStatus[] | undefined {
  if (!values || values.length === 0) return undefined;
  const set = new Set(values.flatMap((v) => v.split(',')));
  return ACTIVITY_STATUSES.filter((s) => set.has(s));
}

function filtersOf(input: ListActivityInput): ActivityFilters {
  const filters: ActivityFilters = {};
  if (input.fromCreateTime !== undefined) filters.fromCreateTime = input.fromCreateTime;
  if (input.toCreateTime !== undefined) filters.toCreateTime = input.toCreateTime;
  if (input.walletId !== undefined) filters.walletId = input.walletId.toLowerCase();
  if (input.cryptoCurrency !== undefined) filters.cryptoCurrency = input.cryptoCurrency;
  const crypto = statuses(input.cryptoStatus);
  if (crypto) filters.cryptoStatus = crypto;
  const fiat = statuses(input.fiatStatus);
  if (fiat) filters.fiatStatus = fiat;
  if (input.clientId !== undefined) filters.clientId = input.clientId;
  return filters;
}

/** The filters in a comparable form: instants rather than their spelling. */
function canonical(filters: ActivityFilters): string {
  const instant = (s: string | undefined) => (s === undefined ? null : new Date(s).getTime());
  return JSON.stringify([
    instant(filters.fromCreateTime),
    instant(filters.toCreateTime),
    filters.walletId ?? null,
    filters.cryptoCurrency ?? null,
    filters.cryptoStatus ?? null,
    filters.fiatStatus ?? null,
    filters.clientId ?? null,
  ]);
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

// created_at as PostgreSQL prints a timestamptz: "2026-12-01 23:10:00.123456+00".
const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2}){0,2}|Z)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function invalidToken(): AppError {
  return new AppError('INVALID_PAGE_TOKEN', {
    message: "`pageToken` must be the nextPageToken of an earlier page of this user's activity",
    data: { field: 'pageToken', rule: 'nextPageToken' },
  });
}

function decodeToken(text: string, userId: string): PageToken {
  let token: PageToken;
  try {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) throw new Error('not base64url');
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
  } catch {
    throw invalidToken();
  }
  const c = token?.c;
  const f = token?.f;
  const ok =
    token?.v === 1 &&
    token.u === userId &&
    typeof c?.id === 'string' &&
    UUID.test(c.id) &&
    typeof c.createdAt === 'string' &&
    PG_TIMESTAMPTZ.test(c.createdAt) &&
    typeof f === 'object' &&
    f !== null &&
    (f.cryptoCurrency === undefined || (CRYPTO_CURRENCIES as readonly string[]).includes(f.cryptoCurrency)) &&
    (f.walletId === undefined || UUID.test(f.walletId)) &&
    (f.clientId === undefined || UUID.test(f.clientId)) &&
    [f.fromCreateTime, f.toCreateTime].every(
      (t) => t === undefined || (typeof t === 'string' && !Number.isNaN(Date.parse(t))),
    ) &&
    [f.cryptoStatus, f.fiatStatus].every(
      (s) =>
        s === undefined || (Array.isArray(s) && s.every((v) => (ACTIVITY_STATUSES as readonly string[]).includes(v))),
    );
  if (!ok) throw invalidToken();
  return token;
}

export async function listUserActivity(
  db: Executor,
  userId: string,
  input: ListActivityInput,
): Promise<ListActivityOutput> {
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  let filters = filtersOf(input);
  let after: ActivityCursor | undefined;
  if (input.pageToken !== undefined) {
    const token = decodeToken(input.pageToken, userId);
    const sent = Object.keys(filters).length > 0;
    if (sent && canonical(filters) !== canonical(token.f)) {
      throw new AppError('UNSUPPORTED_QUERY_PARAMETERS', {
        message:
          'Filters cannot change while paging: send only `pageToken` (and `pageSize`), or the same filters as the first page',
        data: { field: 'pageToken', rule: 'sameFilters' },
      });
    }
    filters = token.f;
    after = token.c;
  }
  const rows = await listActivity(db, userId, filters, after, pageSize);
  const page = rows.slice(0, pageSize);
  const output: ListActivityOutput = { items: page.map(toActivityItem) };
  if (rows.length > pageSize) {
    const last = page[page.length - 1]!;
    output.nextPageToken = encodeToken({
      v: 1,
      u: userId,
      f: filters,
      c: { createdAt: last.created_at_text, id: last.id },
    });
  }
  return output;
}
