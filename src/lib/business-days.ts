// Federal Reserve business days, on which ACH debits settle. The Fed is closed on weekends and on US
// federal holidays; a holiday falling on a Sunday is observed the Monday after, but one falling on a
// Saturday is NOT observed the Friday before (the Fed stays open) — unlike the federal government's
// own calendar. Dates are calendar dates in New York (the Fed's time zone), as 'YYYY-MM-DD'.
import fedHolidays from '@18f/us-federal-holidays';

const FED_RULES = { shiftSaturdayHolidays: false, shiftSundayHolidays: true };
const holidaysByYear = new Map<number, Set<string>>();

function holidays(year: number): Set<string> {
  let set = holidaysByYear.get(year);
  if (!set) {
    set = new Set(fedHolidays.allForYear(year, FED_RULES).map((h) => h.date.toISOString().slice(0, 10)));
    holidaysByYear.set(year, set);
  }
  return set;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parse(date: string): Date {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== date) throw new Error(`not a calendar date: ${date}`);
  return d;
}

function format(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addCalendarDays(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return format(d);
}

/** The federal holiday on `date` as the Fed observes it, or undefined. */
export function isFedHoliday(date: string): boolean {
  return holidays(parse(date).getUTCFullYear()).has(date);
}

export function isBusinessDay(date: string): boolean {
  const day = parse(date).getUTCDay();
  return day !== 0 && day !== 6 && !isFedHoliday(date);
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: string): string {
  let d = addCalendarDays(date, 1);
  while (!isBusinessDay(d)) d = addCalendarDays(d, 1);
  return d;
}

/** `date` itself when it is a business day, else the next one. */
export function businessDayOnOrAfter(date: string): string {
  return isBusinessDay(date) ? date : nextBusinessDay(date);
}

/** `n` business days after `date` (n ≥ 0; `date` need not be a business day). */
export function addBusinessDays(date: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`business days must be a non-negative integer, got ${n}`);
  let d = date;
  for (let i = 0; i < n; i++) d = nextBusinessDay(d);
  return d;
}

export const FED_TIME_ZONE = 'America/New_York';

const nyFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: FED_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The New York calendar date and wall-clock time of an instant. */
export function newYorkTime(instant: Date): { date: string; hour: number; minute: number } {
  const parts = Object.fromEntries(nyFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), minute: Number(parts.minute) };
}

/** The instant at which New York's wall clock shows `date` `hour`:`minute` (DST-aware). */
export function newYorkInstant(date: string, hour: number, minute = 0): Date {
  const wall = parse(date).getTime() + (hour * 60 + minute) * 60_000;
  // New York is UTC−5 or UTC−4: try both offsets and keep the one that reads back as the wall time.
  for (const offsetHours of [4, 5]) {
    const candidate = new Date(wall + offsetHours * 3_600_000);
    const back = newYorkTime(candidate);
    if (back.date === date && back.hour === hour && back.minute === minute) return candidate;
  }
  // A wall time skipped by the spring-forward gap: the instant an hour later exists.
  return new Date(wall + 4 * 3_600_000);
}
