// The Identity Verification endpoints of the built-in Plaid sandbox, in the /sandbox/plaid scope (Plaid's
// error objects, key checks): /identity_verification/create, /get, /list and /retry, with Plaid's
// request fields and input validation rules. Unknown fields are refused as Plaid refuses them.
import { plaidErrors } from './errors.ts';
import type { IdvUser } from './idv-checks.ts';
import type { IdvSandbox, RetryStrategy, RetrySteps } from './idv.ts';
import { obj, onlyFields, requireFields, str, type Body, type PlaidApiExtension } from './routes.ts';

const ID_NUMBER_TYPES: Record<string, RegExp> = { us_ssn: /^\d{9}$/, us_ssn_last_4: /^\d{4}$/ };
const STRATEGIES: RetryStrategy[] = ['reset', 'incomplete', 'infer', 'custom'];

function bool(body: Body, field: string, required: boolean): boolean | null {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw plaidErrors.missingFields([field]);
    return null;
  }
  if (typeof value !== 'boolean') throw plaidErrors.invalidField(`${field} must be a boolean`);
  return value;
}

function text(body: Body, field: string, path: string, max = 100): string | null {
  const value = str(body, field, { max });
  if (value === undefined || value.trim() === '') return null;
  if (value !== value.trim()) throw plaidErrors.invalidField(`${path} must not have leading or trailing spaces`);
  return value;
}

function parseName(user: Body): IdvUser['name'] {
  const name = obj(user, 'name');
  if (!name) return null;
  onlyFields(name, ['given_name', 'family_name']);
  const given = text(name, 'given_name', 'user.name.given_name');
  const family = text(name, 'family_name', 'user.name.family_name');
  if (!given || !family) throw plaidErrors.missingFields([given ? 'user.name.family_name' : 'user.name.given_name']);
  return { given_name: given, family_name: family };
}

function parseAddress(user: Body): IdvUser['address'] {
  const address = obj(user, 'address');
  if (!address) return null;
  onlyFields(address, ['street', 'street2', 'city', 'region', 'postal_code', 'country']);
  const country = text(address, 'country', 'user.address.country', 2);
  if (!country || !/^[A-Z]{2}$/.test(country))
    throw plaidErrors.invalidField('user.address.country must be an ISO 3166-1 alpha-2 country code such as US');
  const parsed = {
    street: text(address, 'street', 'user.address.street', 200),
    street2: text(address, 'street2', 'user.address.street2', 200),
    city: text(address, 'city', 'user.address.city'),
    region: text(address, 'region', 'user.address.region', 20),
    postal_code: text(address, 'postal_code', 'user.address.postal_code', 20),
    country,
  };
  if (country === 'US') {
    const missing = (['street', 'city', 'region', 'postal_code'] as const).filter((f) => parsed[f] === null);
    if (missing.length > 0) throw plaidErrors.missingFields(missing.map((f) => `user.address.${f}`));
    if (!/^\d{5}(-?\d{4})?$/.test(parsed.postal_code!))
      throw plaidErrors.invalidField('user.address.postal_code must be a US ZIP code (5 or 9 digits)');
    if (!/^[A-Z]{2}$/.test(parsed.region!))
      throw plaidErrors.invalidField('user.address.region must be a two-letter US state code such as CA');
  }
  return parsed;
}

function parseIdNumber(user: Body): IdvUser['id_number'] {
  const id = obj(user, 'id_number');
  if (!id) return null;
  onlyFields(id, ['value', 'type']);
  requireFields(id, ['value', 'type']);
  const type = str(id, 'type', { max: 40 })!;
  const rule = ID_NUMBER_TYPES[type];
  if (!rule)
    throw plaidErrors.invalidField(
      `user.id_number.type ${type} is not supported by this sandbox (us_ssn, us_ssn_last_4)`,
    );
  const value = str(id, 'value', { max: 40 })!;
  if (!rule.test(value)) throw plaidErrors.invalidField(`user.id_number.value is not a valid ${type} (digits only)`);
  return { value, type };
}

function parseDate(user: Body): string | null {
  const value = text(user, 'date_of_birth', 'user.date_of_birth', 10);
  if (value === null) return null;
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw plaidErrors.invalidField('user.date_of_birth must be a date formatted YYYY-MM-DD');
  return value;
}

/** The `user` object of create and retry, normalised (absent fields null). */
export function parseIdvUser(body: Body, extra: string[] = []): IdvUser | null {
  const user = obj(body, 'user');
  if (!user) return null;
  onlyFields(user, ['email_address', 'phone_number', 'date_of_birth', 'name', 'address', 'id_number', ...extra]);
  const email = text(user, 'email_address', 'user.email_address', 254);
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw plaidErrors.invalidField('user.email_address must be a valid email address');
  const phone = text(user, 'phone_number', 'user.phone_number', 20);
  if (phone !== null && !/^\+[1-9]\d{6,14}$/.test(phone))
    throw plaidErrors.invalidField('user.phone_number must be in E.164 format, e.g. +14155550123');
  return {
    email_address: email,
    phone_number: phone,
    date_of_birth: parseDate(user),
    ip_address: text(user, 'ip_address', 'user.ip_address', 45),
    name: parseName(user),
    address: parseAddress(user),
    id_number: parseIdNumber(user),
  };
}

const EMPTY_USER: IdvUser = {
  email_address: null,
  phone_number: null,
  date_of_birth: null,
  ip_address: null,
  name: null,
  address: null,
  id_number: null,
};

function clientUserId(body: Body): string {
  if (body.user_id !== undefined && body.user_id !== null)
    throw plaidErrors.invalidField('user_id (the new User APIs) is not supported by this sandbox: send client_user_id');
  requireFields(body, ['client_user_id']);
  return str(body, 'client_user_id', { max: 128 })!;
}

function retrySteps(body: Body): RetrySteps | null {
  const steps = obj(body, 'steps');
  if (!steps) return null;
  onlyFields(steps, ['verify_sms', 'kyc_check', 'documentary_verification', 'selfie_check']);
  return {
    verify_sms: bool(steps, 'verify_sms', true)!,
    kyc_check: bool(steps, 'kyc_check', true)!,
    documentary_verification: bool(steps, 'documentary_verification', true)!,
    selfie_check: bool(steps, 'selfie_check', true)!,
  };
}

export function idvApiRoutes(idv: IdvSandbox): PlaidApiExtension {
  return ({ route, keys }) => {
    route('/identity_verification/create', async (request, body) => {
      onlyFields(body, [
        'client_id',
        'secret',
        'client_user_id',
        'user_id',
        'is_shareable',
        'template_id',
        'gave_consent',
        'user',
        'is_idempotent',
      ]);
      const plaidClientId = keys(request, body);
      requireFields(body, ['template_id']);
      const row = await idv.create({
        plaidClientId,
        clientUserId: clientUserId(body),
        templateId: str(body, 'template_id', { max: 100 })!,
        isShareable: bool(body, 'is_shareable', true)!,
        gaveConsent: bool(body, 'gave_consent', true)!,
        isIdempotent: bool(body, 'is_idempotent', false) ?? false,
        user: parseIdvUser(body, ['client_user_id', 'ip_address']) ?? EMPTY_USER,
      });
      return { ...idv.render(row) };
    });

    route('/identity_verification/get', async (request, body) => {
      onlyFields(body, ['client_id', 'secret', 'identity_verification_id']);
      const plaidClientId = keys(request, body);
      requireFields(body, ['identity_verification_id']);
      return { ...idv.render(await idv.get(plaidClientId, str(body, 'identity_verification_id', { max: 100 })!)) };
    });

    route('/identity_verification/list', async (request, body) => {
      onlyFields(body, ['client_id', 'secret', 'template_id', 'client_user_id', 'user_id', 'cursor']);
      const plaidClientId = keys(request, body);
      requireFields(body, ['template_id']);
      const { rows, nextCursor } = await idv.list(
        plaidClientId,
        str(body, 'template_id', { max: 100 })!,
        clientUserId(body),
        str(body, 'cursor', { max: 500 }) ?? null,
      );
      return { identity_verifications: rows.map((r) => idv.render(r)), next_cursor: nextCursor };
    });

    route('/identity_verification/retry', async (request, body) => {
      onlyFields(body, [
        'client_id',
        'secret',
        'client_user_id',
        'template_id',
        'strategy',
        'user',
        'steps',
        'is_shareable',
      ]);
      const plaidClientId = keys(request, body);
      requireFields(body, ['client_user_id', 'template_id', 'strategy']);
      const strategy = str(body, 'strategy', { max: 20 }) as RetryStrategy;
      if (!STRATEGIES.includes(strategy))
        throw plaidErrors.invalidField(`strategy must be one of ${STRATEGIES.join(', ')}`);
      const row = await idv.retry({
        plaidClientId,
        clientUserId: clientUserId(body),
        templateId: str(body, 'template_id', { max: 100 })!,
        strategy,
        steps: retrySteps(body),
        isShareable: bool(body, 'is_shareable', false),
        user: parseIdvUser(body),
      });
      return { ...idv.render(row) };
    });
  };
}
