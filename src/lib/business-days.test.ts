import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addBusinessDays,
  businessDayOnOrAfter,
  isBusinessDay,
  newYorkInstant,
  newYorkTime,
  nextBusinessDay,
} from './business-days.ts';

describe('Federal Reserve business days', () => {
  it('skips weekends and Fed holidays, observing Sunday holidays on Monday but not Saturday ones on Friday', () => {
    assert.equal(isBusinessDay('2026-03-02'), true); // a Monday
    assert.equal(isBusinessDay('2026-03-07'), false); // Saturday
    assert.equal(isBusinessDay('2026-03-08'), false); // Sunday
    assert.equal(isBusinessDay('2026-11-26'), false); // Thanksgiving
    assert.equal(isBusinessDay('2026-12-25'), false); // Christmas, a Friday
    assert.equal(isBusinessDay('2026-07-03'), true); // Independence Day is a Saturday in 2026: the Fed is open the Friday before
    assert.equal(isBusinessDay('2022-12-26'), false); // Christmas 2022 was a Sunday: observed Monday
    assert.equal(isBusinessDay('2021-12-31'), true); // New Year 2022 was a Saturday: Fed open on Friday Dec 31
    assert.equal(isBusinessDay('2026-10-12'), false); // Columbus Day
    assert.equal(isBusinessDay('2026-11-11'), false); // Veterans Day
    assert.equal(isBusinessDay('2026-06-19'), false); // Juneteenth
  });

  it('adds business days across weekends, holidays and years', () => {
    assert.equal(addBusinessDays('2026-03-02', 3), '2026-03-05');
    assert.equal(addBusinessDays('2026-03-05', 3), '2026-03-10'); // Thu → Tue over the weekend
    assert.equal(addBusinessDays('2026-11-24', 3), '2026-11-30'); // Tue → Mon over Thanksgiving and the weekend
    assert.equal(addBusinessDays('2026-12-23', 3), '2026-12-29'); // over Christmas
    assert.equal(addBusinessDays('2026-12-30', 2), '2027-01-04'); // over New Year (a Friday) and the weekend
    assert.equal(addBusinessDays('2026-03-07', 0), '2026-03-07');
    assert.equal(nextBusinessDay('2026-03-06'), '2026-03-09');
    assert.equal(businessDayOnOrAfter('2026-03-07'), '2026-03-09');
    assert.equal(businessDayOnOrAfter('2026-03-09'), '2026-03-09');
    assert.throws(() => addBusinessDays('2026-02-30', 1));
  });

  it('converts between instants and New York wall time across daylight saving', () => {
    assert.deepEqual(newYorkTime(new Date('2026-01-15T03:30:00Z')), { date: '2026-01-14', hour: 22, minute: 30 });
    assert.equal(newYorkInstant('2026-01-15', 9).toISOString(), '2026-01-15T14:00:00.000Z'); // EST
    assert.equal(newYorkInstant('2026-07-15', 9).toISOString(), '2026-07-15T13:00:00.000Z'); // EDT
    assert.equal(newYorkInstant('2026-03-08', 9).toISOString(), '2026-03-08T13:00:00.000Z'); // the day DST starts
    assert.equal(newYorkInstant('2026-11-01', 9).toISOString(), '2026-11-01T14:00:00.000Z'); // the day DST ends
  });
});
