// Phone numbers: onramp serves US mobile numbers in E.164 only. libphonenumber-js (max metadata)
// checks the number exists in the US numbering plan and rejects toll-free, premium, pager and
// similar types. It cannot tell a US mobile from a landline (US numbers parse as
// FIXED_LINE_OR_MOBILE), so a landline passes here and the production SMS provider decides: Twilio
// answers error 21614 for a number that cannot receive SMS, which becomes INVALID_PHONE_TYPE.
import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';
import { AppError } from '../errors/app-error.ts';

const E164_RE = /^\+[1-9]\d{1,14}$/;
const SMS_CAPABLE: ReadonlySet<NumberType> = new Set<NumberType>(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/**
 * The E.164 form of a US mobile number, or an AppError naming `field` and the rule it breaks:
 * INVALID_PHONE (not E.164 / not a real number), INVALID_PHONE_COUNTRY_CODE (not US),
 * INVALID_PHONE_TYPE (a type that cannot receive SMS).
 */
export function parseUsMobile(input: string, field = 'phoneNumber'): string {
  if (!E164_RE.test(input)) {
    throw new AppError('INVALID_PHONE', {
      message: `\`${field}\` must be an E.164 phone number such as +12015550123 (a plus sign and digits only)`,
      data: { field, rule: 'e164' },
    });
  }
  const parsed = parsePhoneNumberFromString(input);
  if (!parsed?.isPossible()) {
    throw new AppError('INVALID_PHONE', {
      message: `\`${field}\` is not a possible phone number`,
      data: { field, rule: 'possible' },
    });
  }
  if (!parsed.isValid()) {
    throw new AppError('INVALID_PHONE', {
      message: `\`${field}\` is not a valid phone number`,
      data: { field, rule: 'valid' },
    });
  }
  if (parsed.country !== 'US') {
    throw new AppError('INVALID_PHONE_COUNTRY_CODE', {
      message: `\`${field}\` must be a US number; this one is from ${parsed.country ?? `+${parsed.countryCallingCode}`}`,
      data: { field, rule: 'country', allowed: ['US'] },
    });
  }
  const type = parsed.getType();
  if (type !== undefined && !SMS_CAPABLE.has(type)) {
    throw new AppError('INVALID_PHONE_TYPE', {
      message: `\`${field}\` must be a mobile number; this one is ${type.toLowerCase().replace(/_/g, ' ')}`,
      data: { field, rule: 'mobile', type },
    });
  }
  return parsed.number;
}

/** The last four digits, as Ratio's `phoneMask`. */
export function maskPhone(e164: string): string {
  return e164.slice(-4);
}
