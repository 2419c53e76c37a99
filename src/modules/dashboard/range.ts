// The reports' date range: whole UTC days, `from` and `to` inclusive (YYYY-MM-DD), by default the
// 30 days ending today (ctx.clock, so the sandbox clock moves it). Long ranges are charted by week
// or month; every bucket of the range is listed, empty ones too.
import { AppError } from '../../errors/app-error.ts';

export type Bucket = 'day' | 'week' | 'month';

export interface DateRange {
  from: string;
  to: string;
  /** from 00:00 UTC */
  fromTime: Date;
  /** the day after `to`, 00:00 UTC (exclusive) */
  toTime: Date;
  bucket: Bucket;
}

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_RANGE_DAYS = 3660;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function parseDay(text: string, field: string): Date {
  const d = new Date(`${text}T00:00:00Z`);
  if (!DATE_RE.test(text) || Number.isNaN(d.getTime()) || isoDay(d) !== text)
    throw new AppError('INVALID_DATE_RANGE', {
      message: `\`${field}\` must be a date written YYYY-MM-DD (got "${text}")`,
      data: { field, rule: 'date' },
    });
  return d;
}

export function parseRange(now: Date, from?: string, to?: string): DateRange {
  const end = to === undefined ? new Date(`${isoDay(now)}T00:00:00Z`) : parseDay(to, 'to');
  const start = from === undefined ? new Date(end.getTime() - 29 * DAY_MS) : parseDay(from, 'from');
  if (start > end)
    throw new AppError('INVALID_DATE_RANGE', {
      message: '`from` must not be after `to`',
      data: { field: 'from', rule: 'notAfterTo' },
    });
  const days = (end.getTime() - start.getTime()) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS)
    throw new AppError('INVALID_DATE_RANGE', {
      message: `The range may cover at most ${MAX_RANGE_DAYS} days`,
      data: { field: 'from', rule: 'maxDays', maxDays: MAX_RANGE_DAYS },
    });
  return {
    from: isoDay(start),
    to: isoDay(end),
    fromTime: start,
    toTime: new Date(end.getTime() + DAY_MS),
    bucket: days <= 92 ? 'day' : days <= 731 ? 'week' : 'month',
  };
}

/** The start of the bucket a day falls in, as PostgreSQL's date_trunc computes it (weeks start on Monday). */
export function bucketStart(day: string, bucket: Bucket): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (bucket === 'month') return `${day.slice(0, 7)}-01`;
  if (bucket === 'week') return isoDay(new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS));
  return day;
}

/** Every bucket start that overlaps the range, in order. */
export function bucketsOf(range: DateRange): string[] {
  const out: string[] = [];
  let day = bucketStart(range.from, range.bucket);
  while (day <= range.to) {
    out.push(day);
    const d = new Date(`${day}T00:00:00Z`);
    if (range.bucket === 'day') day = isoDay(new Date(d.getTime() + DAY_MS));
    else if (range.bucket === 'week') day = isoDay(new Date(d.getTime() + 7 * DAY_MS));
    else day = isoDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)));
  }
  return out;
}
