// POST /v1/users (create-a-user.md): the session has proven SMS + (wallet or email); the phone (and
// email, when proven) are those proven; phone and email are unique across the deployment. In one
// transaction: the user, the session upgraded to that user (its wallet becomes a signing wallet), the
// first deposit wallet, the audit row and the welcome email (sent by a job after commit).
import type { Db } from '../../db/index.ts';
import { uniqueViolation } from '../../db/unique-violation.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Jobs } from '../../jobs/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/crypto.ts';
import { parseEmail } from '../../lib/email.ts';
import { parseUsMobile } from '../../lib/phone.ts';
import { hasUnsafeCharacters } from '../../lib/text.ts';
import type { ClientPrincipal, UserSession } from '../../plugins/types.ts';
import { assertCanCreateUser } from '../auth/access.ts';
import { attachSessionToUser } from '../auth/signing-wallets.ts';
import { queueEmail } from '../emails/index.ts';
import { addFirstDepositWallet } from '../wallets/connect-wallet.ts';
import { auditUserAction, type RequestActor } from './audit.ts';
import { insertUser, userIdByEmail, userIdByPhone } from './repository.ts';
import { NAME_MAX } from './schemas.ts';
import { loadUser, type User } from './view.ts';

export interface CreateUserInput {
  firstName: string;
  middleName?: string;
  lastName: string;
  email?: string;
  emailAddress?: string;
  country: string;
  phone: string;
  acceptedTerms: boolean | string;
}

export interface CreateUserDeps {
  db: Db;
  clock: Clock;
  jobs: Jobs;
}

/** A trimmed person name, or the documented INVALID_<FIELD> code naming the rule. */
export function personName(value: string, field: 'firstName' | 'middleName' | 'lastName'): string {
  const code =
    field === 'firstName' ? 'INVALID_FIRST_NAME' : field === 'middleName' ? 'INVALID_MIDDLE_NAME' : 'INVALID_LAST_NAME';
  const name = value.trim();
  if (name === '')
    throw new AppError(code, {
      message: `\`${field}\` must not be empty`,
      data: { field, rule: 'minLength', limit: 1 },
    });
  if (name.length > NAME_MAX)
    throw new AppError(code, {
      message: `\`${field}\` must be at most ${NAME_MAX} characters`,
      data: { field, rule: 'maxLength', limit: NAME_MAX },
    });
  if (hasUnsafeCharacters(name, { markup: true }) || !/\p{L}/u.test(name)) {
    throw new AppError(code, {
      message: `\`${field}\` must contain letters and no control characters or angle brackets`,
      data: { field, rule: 'name' },
    });
  }
  return name;
}

function parseInput(input: CreateUserInput) {
  const firstName = personName(input.firstName, 'firstName');
  const middleName =
    input.middleName === undefined || input.middleName.trim() === ''
      ? null
      : personName(input.middleName, 'middleName');
  const lastName = personName(input.lastName, 'lastName');
  if (
    input.email !== undefined &&
    input.emailAddress !== undefined &&
    input.email.trim() !== input.emailAddress.trim()
  ) {
    throw new AppError('INVALID_EMAIL', {
      message: 'Send `email` or the legacy `emailAddress`, not two different addresses',
      data: { field: 'emailAddress', rule: 'consistent' },
    });
  }
  const rawEmail = input.email ?? input.emailAddress;
  if (rawEmail === undefined)
    throw new AppError('MISSING_EMAIL', {
      message: '`email` is required in the request body',
      data: { field: 'email', rule: 'required' },
    });
  const emailField = input.email !== undefined ? 'email' : 'emailAddress';
  const emailNormalized = parseEmail(rawEmail, emailField);
  const country = input.country.trim();
  if (!/^[A-Za-z]{2}$/.test(country)) {
    throw new AppError('INVALID_COUNTRY', {
      message: '`country` must be an ISO 3166 alpha-2 code such as US',
      data: { field: 'country', rule: 'iso3166Alpha2' },
    });
  }
  if (country.toUpperCase() !== 'US') {
    throw new AppError('INVALID_COUNTRY', {
      message: `\`country\` ${country.toUpperCase()} is not supported: only US users can be onboarded`,
      data: { field: 'country', rule: 'supported', allowed: ['US'] },
    });
  }
  const phone = parseUsMobile(input.phone, 'phone');
  if (input.acceptedTerms !== true && input.acceptedTerms !== 'true') {
    throw new AppError('INVALID_ACCEPTED_TERMS', {
      message: '`acceptedTerms` must be true: the user must agree to the terms of use',
      data: { field: 'acceptedTerms', rule: 'const', allowed: [true] },
    });
  }
  return { firstName, middleName, lastName, email: rawEmail.trim(), emailNormalized, country: 'US', phone };
}

/** The deposit address the user starts with: the client session's depositAddress, else the signing wallet. */
function firstDepositAddress(client: ClientPrincipal, session: UserSession): string | undefined {
  const cs = client.via === 'session' ? client.session : undefined;
  if (cs && cs.depositType === 'EVM') return cs.depositAddress;
  return session.wallet?.type === 'EVM' ? session.wallet.address : undefined;
}

const CONSTRAINT_CODES: Record<string, { code: 'ALREADY_EXISTS_PHONE' | 'ALREADY_EXISTS_EMAIL'; field: string }> = {
  users_phone_key: { code: 'ALREADY_EXISTS_PHONE', field: 'phone' },
  users_email_normalized_key: { code: 'ALREADY_EXISTS_EMAIL', field: 'email' },
};

export async function createUser(
  deps: CreateUserDeps,
  client: ClientPrincipal,
  session: UserSession,
  actor: RequestActor,
  input: CreateUserInput,
): Promise<User> {
  const fields = parseInput(input);
  assertCanCreateUser(session, { phone: fields.phone, email: fields.emailNormalized });
  if (await userIdByPhone(deps.db, fields.phone))
    throw new AppError('ALREADY_EXISTS_PHONE', { data: { field: 'phone' } });
  if (await userIdByEmail(deps.db, fields.emailNormalized))
    throw new AppError('ALREADY_EXISTS_EMAIL', { data: { field: 'email' } });
  const userId = newId();
  const now = deps.clock.now();
  const deposit = firstDepositAddress(client, session);
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertUser(trx, {
        id: userId,
        client_id: client.id,
        first_name: fields.firstName,
        middle_name: fields.middleName,
        last_name: fields.lastName,
        email: fields.email,
        email_normalized: fields.emailNormalized,
        phone: fields.phone,
        country: fields.country,
        created_at: now,
        updated_at: now,
      });
      await attachSessionToUser(trx, session.id, userId, now);
      const wallet = deposit ? await addFirstDepositWallet(trx, userId, deposit, now) : undefined;
      await auditUserAction(trx, actor, {
        action: 'user.create',
        userId,
        subjectType: 'USER',
        subjectId: userId,
        at: now,
        details: { depositWalletId: wallet?.id ?? null },
      });
      await queueEmail(deps.jobs, trx, {
        userId,
        to: fields.email,
        clientId: client.id,
        template: 'WELCOME',
        vars: { firstName: fields.firstName },
        dedupeKey: `welcome:${userId}`,
        now,
      });
    });
  } catch (error) {
    const constraint = uniqueViolation(error);
    const mapped = constraint !== undefined ? CONSTRAINT_CODES[constraint] : undefined;
    if (mapped) throw new AppError(mapped.code, { data: { field: mapped.field } });
    if (constraint !== undefined)
      throw new AppError('ALREADY_EXISTS_USER', {
        message: 'The identity conflicts with another user created at the same time; retry',
        data: {},
      });
    throw error;
  }
  return loadUser(deps.db, userId);
}
