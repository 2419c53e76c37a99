// The rules of SubmitKycRequest. Messages name the field and the rule, never the SSN itself.
import { AppError } from '../../errors/app-error.ts';
import { hasUnsafeCharacters } from '../../lib/text.ts';

export interface SubmitKycInput {
  dateOfBirth: string;
  idType: 'SSN';
  idNumber: string;
  line1: string;
  line2?: string;
  city: string;
  state: string;
  postalCode: string;
  nationality?: string;
  occupation?: string;
}

export interface ValidKyc {
  dateOfBirth: string;
  idType: 'SSN';
  ssn: string;
  line1: string;
  line2: string | null;
  city: string;
  state: string;
  postalCode: string;
  nationality: string | null;
  occupation: string | null;
}

export const MINIMUM_AGE = 18;

/** US states, DC, and the inhabited territories (AS, GU, MP, PR, VI). */
export const US_STATES_AND_TERRITORIES: ReadonlySet<string> = new Set([
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'DC',
  'AS',
  'GU',
  'MP',
  'PR',
  'VI',
]);

type TextCode = 'INVALID_LINE_1' | 'INVALID_LINE_2' | 'INVALID_CITY' | 'INVALID_OCCUPATION' | 'INVALID_NATIONALITY';

function text(value: string, field: string, code: TextCode, max: number): string {
  const v = value.trim().replace(/\s+/g, ' ');
  if (v === '')
    throw new AppError(code, {
      message: `\`${field}\` must not be empty`,
      data: { field, rule: 'minLength', limit: 1 },
    });
  if (v.length > max)
    throw new AppError(code, {
      message: `\`${field}\` must be at most ${max} characters`,
      data: { field, rule: 'maxLength', limit: max },
    });
  if (hasUnsafeCharacters(v, { markup: true }))
    throw new AppError(code, {
      message: `\`${field}\` must not contain control characters or angle brackets`,
      data: { field, rule: 'printable' },
    });
  return v;
}

/** Whole years between `dob` (YYYY-MM-DD) and `today` (UTC). */
export function ageOn(dob: string, today: Date): number {
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age -= 1;
  return age;
}

export function parseDateOfBirth(value: string, today: Date): string {
  const invalid = (rule: string, why: string) =>
    new AppError('INVALID_DATE_OF_BIRTH', { message: `\`dateOfBirth\` ${why}`, data: { field: 'dateOfBirth', rule } });
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) throw invalid('format', 'must be a date formatted YYYY-MM-DD, e.g. 1990-04-21');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    throw invalid('date', 'is not a real calendar date');
  if (y < 1900) throw invalid('range', 'must be in 1900 or later');
  if (date.getTime() > today.getTime()) throw invalid('range', 'must not be in the future');
  if (ageOn(value, today) < MINIMUM_AGE) {
    throw new AppError('INVALID_AGE', {
      message: `\`dateOfBirth\` shows the user is under ${MINIMUM_AGE}; users must be ${MINIMUM_AGE} or older`,
      data: { field: 'dateOfBirth', rule: 'minimumAge', minimumAge: MINIMUM_AGE },
    });
  }
  return value;
}

/**
 * Nine digits, with or without dashes (AAA-GG-SSSS). Never-valid patterns are refused: area 000 or
 * 666, group 00, serial 0000, and — unless the provider documents test numbers there — area 9xx.
 */
export function parseSsn(value: string, areas: 'ISSUED' | 'ANY_NONZERO'): string {
  const invalid = (rule: string, why: string) =>
    new AppError('INVALID_ID_NUMBER', { message: `\`idNumber\` ${why}`, data: { field: 'idNumber', rule } });
  const m = /^(\d{3})-?(\d{2})-?(\d{4})$/.exec(value.trim());
  if (!m || (value.includes('-') && !/^\d{3}-\d{2}-\d{4}$/.test(value.trim())))
    throw invalid('format', 'must be a nine-digit SSN, written 123456789 or 123-45-6789');
  const [area, group, serial] = [m[1]!, m[2]!, m[3]!];
  if (area === '000' || area === '666')
    throw invalid('area', 'is not a valid SSN: the area number (first three digits) cannot be 000 or 666');
  if (areas === 'ISSUED' && area.startsWith('9'))
    throw invalid('area', 'is not a valid SSN: area numbers 900-999 are not issued as SSNs');
  if (group === '00') throw invalid('group', 'is not a valid SSN: the group number (digits 4-5) cannot be 00');
  if (serial === '0000')
    throw invalid('serial', 'is not a valid SSN: the serial number (last four digits) cannot be 0000');
  return `${area}${group}${serial}`;
}

export function validateKyc(input: SubmitKycInput, today: Date, ssnAreas: 'ISSUED' | 'ANY_NONZERO'): ValidKyc {
  const dateOfBirth = parseDateOfBirth(input.dateOfBirth, today);
  const ssn = parseSsn(input.idNumber, ssnAreas);
  const line1 = text(input.line1, 'line1', 'INVALID_LINE_1', 100);
  const line2 =
    input.line2 === undefined || input.line2.trim() === '' ? null : text(input.line2, 'line2', 'INVALID_LINE_2', 100);
  const city = text(input.city, 'city', 'INVALID_CITY', 60);
  if (!/\p{L}/u.test(city))
    throw new AppError('INVALID_CITY', {
      message: '`city` must contain letters',
      data: { field: 'city', rule: 'letters' },
    });
  const state = input.state.trim().toUpperCase();
  if (!US_STATES_AND_TERRITORIES.has(state)) {
    throw new AppError('INVALID_STATE', {
      message:
        '`state` must be the two-letter abbreviation of a US state, DC or a US territory (AS, GU, MP, PR, VI), e.g. CA',
      data: { field: 'state', rule: 'usState' },
    });
  }
  const postalCode = input.postalCode.trim();
  if (!/^\d{5}(-\d{4})?$/.test(postalCode) || postalCode.startsWith('00000')) {
    throw new AppError('INVALID_POSTAL_CODE', {
      message: '`postalCode` must be a US ZIP code (12345) or ZIP+4 (12345-6789)',
      data: { field: 'postalCode', rule: 'zip' },
    });
  }
  let nationality: string | null = null;
  if (input.nationality !== undefined && input.nationality.trim() !== '') {
    nationality = text(input.nationality, 'nationality', 'INVALID_NATIONALITY', 56);
    if (!/^[\p{L} .'-]+$/u.test(nationality))
      throw new AppError('INVALID_NATIONALITY', {
        message: '`nationality` must be a country code (US) or name made of letters',
        data: { field: 'nationality', rule: 'letters' },
      });
    if (/^[A-Za-z]{2}$/.test(nationality)) nationality = nationality.toUpperCase();
  }
  const occupation =
    input.occupation === undefined || input.occupation.trim() === ''
      ? null
      : text(input.occupation, 'occupation', 'INVALID_OCCUPATION', 100);
  return { dateOfBirth, idType: input.idType, ssn, line1, line2, city, state, postalCode, nationality, occupation };
}
