// The sandbox's institutions (Plaid's own sandbox ids) and test users. What a login does is decided
// here, once, for both the Link page and /sandbox/public_token/create.
import { plaidErrors, TRIGGERABLE_ITEM_ERRORS, type PlaidSandboxError } from './errors.ts';

export type InstitutionHealth = 'HEALTHY' | 'DEGRADED' | 'DOWN';

export interface SandboxInstitution {
  id: string;
  name: string;
  /** OAuth institutions ask for a one-time code after the credentials (any number is accepted). */
  oauth: boolean;
  app2app: boolean;
  health: InstitutionHealth;
  routingNumbers: string[];
  primaryColor: string;
}

export const INSTITUTIONS: SandboxInstitution[] = [
  {
    id: 'ins_109511',
    name: 'Tartan Bank',
    oauth: false,
    app2app: false,
    health: 'HEALTHY',
    routingNumbers: ['011401533'],
    primaryColor: '#174b7a',
  },
  {
    id: 'ins_127287',
    name: 'Platypus OAuth Bank',
    oauth: true,
    app2app: false,
    health: 'HEALTHY',
    routingNumbers: ['011000138'],
    primaryColor: '#0a85ea',
  },
  {
    id: 'ins_132241',
    name: 'First Platypus OAuth App2App Bank',
    oauth: true,
    app2app: true,
    health: 'HEALTHY',
    routingNumbers: ['021000021'],
    primaryColor: '#117a65',
  },
  {
    id: 'ins_109508',
    name: 'First Platypus Bank',
    oauth: false,
    app2app: false,
    health: 'HEALTHY',
    routingNumbers: ['011401533'],
    primaryColor: '#6c3483',
  },
  {
    id: 'ins_132363',
    name: 'Unhealthy Platypus Bank - Degraded',
    oauth: false,
    app2app: false,
    health: 'DEGRADED',
    routingNumbers: ['011401533'],
    primaryColor: '#b9770e',
  },
  {
    id: 'ins_132361',
    name: 'Unhealthy Platypus Bank - Down',
    oauth: false,
    app2app: false,
    health: 'DOWN',
    routingNumbers: ['011401533'],
    primaryColor: '#922b21',
  },
];

export function findInstitution(id: string): SandboxInstitution | undefined {
  return INSTITUTIONS.find((i) => i.id === id);
}

/** Products this sandbox serves data for; Link and /sandbox/public_token/create accept these. */
export const SUPPORTED_PRODUCTS = ['auth', 'identity', 'balance', 'transactions'] as const;

/** Whose name a test user's accounts carry. */
export type Owner = { kind: 'LINK_USER' } | { kind: 'FIXED'; name: string };

export interface TestUser {
  username: string;
  password: string;
  owner: Owner;
  description: string;
}

/** Plaid's standard sandbox identity (user_good). */
export const PLAID_DEFAULT_OWNER = 'Alberta Bobbeth Charleson';
/** Someone who is not the person linking: bank verification fails. */
export const OTHER_OWNER = 'Jordan Q. Mismatch';

export const TEST_USERS: TestUser[] = [
  {
    username: 'custom_ratio_good',
    password: 'pass_good',
    owner: { kind: 'LINK_USER' },
    description: 'accounts owned by the legal name given at link-token creation: verification APPROVED',
  },
  {
    username: 'custom_ratio_bad',
    password: 'pass_bad',
    owner: { kind: 'FIXED', name: OTHER_OWNER },
    description: `accounts owned by ${OTHER_OWNER}: verification DECLINED`,
  },
  {
    username: 'user_good',
    password: 'pass_good',
    owner: { kind: 'FIXED', name: PLAID_DEFAULT_OWNER },
    description: `Plaid's standard test user, owner ${PLAID_DEFAULT_OWNER}`,
  },
];

export type LoginResult = { ok: true; user: TestUser } | { ok: false; error: PlaidSandboxError };

/**
 * The outcome of logging in to `institution`. A down institution refuses everyone; a known user with
 * password `error_<CODE>` gets Plaid's item error <CODE> (Plaid sandbox behaviour); anything else
 * that is not a test user's exact credentials is INVALID_CREDENTIALS.
 */
export function login(institution: SandboxInstitution, username: string, password: string): LoginResult {
  if (institution.health === 'DOWN') return { ok: false, error: plaidErrors.institutionDown() };
  const user = TEST_USERS.find((u) => u.username === username);
  if (user && password.startsWith('error_')) {
    const make = TRIGGERABLE_ITEM_ERRORS[password.slice('error_'.length)];
    return { ok: false, error: make ? make() : plaidErrors.invalidCredentials() };
  }
  if (!user || user.password !== password) return { ok: false, error: plaidErrors.invalidCredentials() };
  return { ok: true, user };
}

export interface AccountTemplate {
  name: string;
  officialName: string;
  subtype: 'checking' | 'savings';
  mask: string;
  accountNumber: string;
  wireRouting: string;
  availableCents: bigint;
  currentCents: bigint;
}

/** Every test user has these two depository accounts (Plaid's sandbox numbers). */
export const ACCOUNT_TEMPLATES: AccountTemplate[] = [
  {
    name: 'Plaid Checking',
    officialName: 'Plaid Gold Standard 0% Interest Checking',
    subtype: 'checking',
    mask: '0000',
    accountNumber: '1111222233330000',
    wireRouting: '021000021',
    availableCents: 10_000n,
    currentCents: 11_000n,
  },
  {
    name: 'Plaid Saving',
    officialName: 'Plaid Silver Standard 0.1% Interest Saving',
    subtype: 'savings',
    mask: '1111',
    accountNumber: '1111222233331111',
    wireRouting: '021000021',
    availableCents: 20_000n,
    currentCents: 21_000n,
  },
];
