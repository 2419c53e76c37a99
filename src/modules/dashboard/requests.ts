// The request log page: newest first, keyset-paged, filtered by status class.
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { pageRequestLog, type RequestLogCursor, type StatusClass } from './request-log.ts';

function decode(token: string): RequestLogCursor & { s?: StatusClass } {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as RequestLogCursor & { s?: StatusClass };
    if (typeof c.at === 'string' && /^\d+$/.test(String(c.id)) && !Number.isNaN(Date.parse(c.at))) return c;
  } catch {
    // answered below
  }
  throw new AppError('INVALID_PAGE_TOKEN', { data: { field: 'pageToken', rule: 'nextPageToken' } });
}

export async function listRequests(
  ctx: AppContext,
  clientId: string,
  query: { status?: StatusClass; pageSize?: number; pageToken?: string },
) {
  const limit = query.pageSize ?? 50;
  const token = query.pageToken ? decode(query.pageToken) : undefined;
  const status = token ? token.s : query.status;
  const rows = await pageRequestLog(ctx.db, clientId, {
    ...(status ? { status } : {}),
    ...(token ? { after: { at: token.at, id: token.id } } : {}),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    retentionHours: ctx.config.dashboard.requestLog.retentionHours,
    items: page.map((r) => ({
      time: r.at.toISOString(),
      method: r.method,
      route: r.route,
      status: r.status,
      latencyMs: Math.round(r.latency_us / 10) / 100,
      requestId: r.request_id,
      ...(r.error_code ? { errorCode: r.error_code } : {}),
    })),
    ...(rows.length > limit && last
      ? {
          nextPageToken: Buffer.from(
            JSON.stringify({ at: last.at_text, id: String(last.id), ...(status ? { s: status } : {}) }),
          ).toString('base64url'),
        }
      : {}),
  };
}
