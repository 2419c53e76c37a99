// GET /v1/users/{userId}/wallets: keyset pages in creation order. The page token is opaque
// (base64url JSON of the last row's time and id, bound to the user).
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { pageUserWallets } from './repository.ts';
import { toWallet, type Wallet } from './view.ts';

interface Cursor {
  u: string;
  t: string;
  i: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(token: string, userId: string): { createdAt: Date; id: string } {
  const invalid = () =>
    new AppError('INVALID_PAGE_TOKEN', {
      message: '`pageToken` must be a nextPageToken returned by this endpoint for this user',
      data: { field: 'pageToken', rule: 'pageToken' },
    });
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let c: Partial<Cursor>;
  try {
    c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw invalid();
  }
  const createdAt = new Date(typeof c.t === 'string' ? c.t : Number.NaN);
  if (c.u !== userId || typeof c.i !== 'string' || !/^[0-9a-f-]{36}$/.test(c.i) || Number.isNaN(createdAt.getTime()))
    throw invalid();
  return { createdAt, id: c.i };
}

export async function listWallets(
  db: Executor,
  userId: string,
  q: { pageSize?: number; pageToken?: string },
): Promise<{ items: Wallet[]; nextPageToken?: string }> {
  const limit = q.pageSize ?? 20;
  const after = q.pageToken ? decodeCursor(q.pageToken, userId) : undefined;
  const rows = await pageUserWallets(db, userId, { limit, ...(after ? { after } : {}) });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toWallet),
    ...(rows.length > limit && last
      ? { nextPageToken: encodeCursor({ u: userId, t: last.created_at.toISOString(), i: last.id }) }
      : {}),
  };
}
