// Request and response schemas of /dashboard/api (the browser dashboard's own API, documented at
// /dashboard/api/openapi.json and kept out of the partner API reference). Responses are named
// components under a `Dashboard` prefix.
import { Type } from '@sinclair/typebox';
import { DateTime, Obj, StringEnum, Uuid, named } from '../../lib/schema.ts';

const Usd = (description: string) => Type.String({ description: `${description} (USD)`, examples: ['1234.56'] });
const Day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const Role = StringEnum(['ADMIN', 'VIEWER'] as const, {
  description: 'VIEWER reads; ADMIN also manages webhooks, keys and members',
});

export const RangeQuery = Obj({
  from: Type.Optional(Day('First day of the range, YYYY-MM-DD (UTC); default 29 days before `to`')),
  to: Type.Optional(Day('Last day of the range, YYYY-MM-DD (UTC), inclusive; default today')),
});

export const DashboardSessionSchema = named(
  'DashboardSession',
  Type.Object({
    member: Type.Object({ id: Type.String(), email: Type.String(), role: Role }),
    client: Type.Object({ id: Type.String(), name: Type.String() }),
    memberships: Type.Array(Type.Object({ clientId: Type.String(), clientName: Type.String(), role: Role })),
    csrfToken: Type.String({ description: 'Send as the x-csrf-token header on every write' }),
    expireTime: DateTime('When the session ends whatever happens (absolute lifetime)'),
    idleExpireTime: DateTime('When the session ends without another request'),
    mode: StringEnum(['sandbox', 'production'] as const),
  }),
);

export const SendCodeRequest = Obj({
  email: Type.String({ minLength: 3, maxLength: 254, description: 'The member email' }),
});
export const SendCodeResponse = named(
  'DashboardSignInCode',
  Type.Object({
    signInId: Type.String({ description: 'Pass with the code to /dashboard/api/sign-in/verify' }),
    emailMask: Type.String(),
  }),
);
export const VerifyCodeRequest = Obj({
  signInId: Type.String({ minLength: 1, maxLength: 64 }),
  code: Type.String({ minLength: 1, maxLength: 12, description: 'The six digits from the email' }),
});
export const LinkRequest = Obj({ token: Type.String({ minLength: 16, maxLength: 128 }) });
export const SwitchRequest = Obj({ clientId: Uuid('A client the same email is a member of') });

const Step = Type.Object({
  key: Type.String(),
  label: Type.String(),
  count: Type.Integer(),
  percent: Type.Number({ description: 'count as a percentage of the top of the funnel, two decimals' }),
});

const SeriesPoint = Type.Object({
  bucket: Type.String({ description: 'First day of the day, week (Monday) or month' }),
  transactions: Type.Integer(),
  instantVolume: Usd('Instant ACH volume'),
  standardVolume: Usd('Standard ACH volume'),
  totalVolume: Usd('Volume'),
  fees: Usd('Fees collected'),
  partnerRevenue: Usd('Partner revenue'),
  activeUsers: Type.Integer(),
  newUsers: Type.Integer(),
  walletsConnected: Type.Integer(),
});

export const SeriesSchema = Type.Object({
  bucket: StringEnum(['day', 'week', 'month'] as const),
  points: Type.Array(SeriesPoint),
});

export const OverviewSchema = named(
  'DashboardOverview',
  Type.Object({
    range: Type.Object({
      from: Type.String(),
      to: Type.String(),
      bucket: StringEnum(['day', 'week', 'month'] as const),
    }),
    users: Type.Object({
      new: Type.Integer({ description: 'Users who became fully onboarded in the range' }),
      total: Type.Integer({ description: 'Users fully onboarded by the end of the range' }),
      active: Type.Integer({ description: 'Users with at least one completed transaction in the range' }),
    }),
    transactions: Type.Object({
      totalVolume: Usd('Volume of completed transactions'),
      instantVolume: Usd('Instant ACH part'),
      standardVolume: Usd('Standard ACH part'),
      count: Type.Integer(),
      instantCount: Type.Integer(),
      standardCount: Type.Integer(),
      averageAmount: Usd('Volume / transactions'),
      averageVolumePerActiveUser: Usd('Volume / active users'),
      fees: Usd('Fees collected'),
      instantFees: Usd('Fees from Instant ACH'),
      standardFees: Usd('Fees from Standard ACH'),
      partnerRevenue: Usd("The client's revenue share of those fees"),
    }),
    funnel: Type.Object({
      top: Type.Integer({ description: 'New wallets connected in the range' }),
      steps: Type.Array(Step),
    }),
    series: SeriesSchema,
  }),
);

export const RevenueSchema = named(
  'DashboardPartnerRevenue',
  Type.Object({
    revenueShareBps: Type.Integer({ description: 'The share of the fee, basis points (set by the operator)' }),
    ledgerAccount: Type.String(),
    accrued: Usd('Owed to the partner now: the ledger balance of the payable account'),
    byMonth: Type.Array(
      Type.Object({ month: Type.String(), accrued: Usd('Accrued'), reversed: Usd('Reversed'), net: Usd('Net') }),
    ),
  }),
);

export const UsersQuery = Obj({
  q: Type.Optional(
    Type.String({ maxLength: 120, description: 'A user id, wallet address, email or phone number (exact match)' }),
  ),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  pageToken: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
});

const Onboarding = StringEnum([
  'KYC_NOT_SUBMITTED',
  'KYC_PENDING',
  'KYC_DECLINED',
  'BANK_NOT_VERIFIED',
  'ONBOARDED',
] as const);

export const UsersSchema = named(
  'DashboardUsers',
  Type.Object({
    items: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String({ description: 'First name and last initial' }),
        emailMask: Type.String(),
        phoneMask: Type.String(),
        joinTime: DateTime('When the user became active on this client'),
        onboarding: Onboarding,
        kycStatus: Type.String(),
        bankStatus: Type.String(),
        flags: Type.Array(Type.String()),
        transactions: Type.Integer({ description: 'Completed transactions through this client' }),
        lastActivityTime: Type.Optional(DateTime()),
      }),
    ),
    nextPageToken: Type.Optional(Type.String()),
  }),
);

export const UserParams = Obj({ userId: Uuid('User ID') });

export const UserSchema = named(
  'DashboardUser',
  Type.Object({
    id: Type.String(),
    name: Type.String(),
    emailMask: Type.String(),
    phoneMask: Type.String(),
    country: Type.String(),
    createTime: DateTime(),
    joinTime: DateTime(),
    onboarding: Onboarding,
    kyc: Type.Object({
      status: Type.String(),
      submitTime: Type.Optional(DateTime()),
      decideTime: Type.Optional(DateTime()),
    }),
    banks: Type.Array(
      Type.Object({
        id: Type.String(),
        institution: Type.Optional(Type.String()),
        name: Type.String(),
        mask: Type.Optional(Type.String()),
        linkStatus: Type.String(),
        verificationStatus: Type.String(),
        createTime: DateTime(),
        deleteTime: Type.Optional(DateTime()),
      }),
    ),
    signingWallets: Type.Array(Type.Object({ type: Type.String(), address: Type.String(), createTime: DateTime() })),
    depositWallets: Type.Array(
      Type.Object({
        id: Type.String(),
        type: Type.String(),
        address: Type.String(),
        name: Type.Optional(Type.String()),
        createTime: DateTime(),
      }),
    ),
    flags: Type.Array(
      Type.Object({
        code: Type.String(),
        description: Type.String(),
        setTime: DateTime(),
        clearTime: Type.Optional(DateTime()),
        active: Type.Boolean(),
      }),
    ),
    transactions: Type.Integer(),
  }),
);

export const KeysSchema = named(
  'DashboardApiKeys',
  Type.Object({
    clientId: Type.String(),
    name: Type.String(),
    mode: StringEnum(['sandbox', 'production'] as const),
    secrets: Type.Array(
      Type.Object({
        hint: Type.String({ description: 'The last characters of the secret' }),
        createTime: DateTime(),
        expireTime: Type.Optional(DateTime('When a rotated-out secret stops working')),
      }),
    ),
    secretOverlapSeconds: Type.Integer(),
    allowedOrigins: Type.Array(Type.String()),
    redirectUris: Type.Array(Type.String()),
  }),
);

export const RotatedSecretSchema = named(
  'DashboardRotatedSecret',
  Type.Object({
    clientSecret: Type.String({ description: 'The new secret: shown only here' }),
    previousSecretExpireTime: DateTime('Until when the previous secret keeps working'),
  }),
);

const UriList = (what: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { maxItems: 20, description: what });
export const UpdateKeysRequest = Obj({
  allowedOrigins: Type.Optional(
    UriList('Origins allowed to call the API from a browser, such as https://app.example.com'),
  ),
  redirectUris: Type.Optional(UriList('Redirect URIs accepted by banks:requestLink (Plaid OAuth)')),
});

export const RequestLogQuery = Obj({
  status: Type.Optional(StringEnum(['2xx', '3xx', '4xx', '5xx'] as const)),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  pageToken: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
});

export const RequestLogSchema = named(
  'DashboardRequestLog',
  Type.Object({
    retentionHours: Type.Integer(),
    items: Type.Array(
      Type.Object({
        time: DateTime(),
        method: Type.String(),
        route: Type.String({ description: 'The route pattern, e.g. /v1/users/:userId (never the ids)' }),
        status: Type.Integer(),
        latencyMs: Type.Number(),
        requestId: Type.String(),
        errorCode: Type.Optional(Type.String()),
      }),
    ),
    nextPageToken: Type.Optional(Type.String()),
  }),
);

const Member = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Role,
  invitedBy: Type.String(),
  createTime: DateTime(),
  lastSignInTime: Type.Optional(DateTime()),
});
export const MemberSchema = named('DashboardMember', Member);
export const MembersSchema = named('DashboardMembers', Type.Object({ items: Type.Array(Member) }));
export const InviteRequest = Obj({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  role: StringEnum(['ADMIN', 'VIEWER', 'admin', 'viewer'] as const),
});
export const RoleRequest = Obj({ role: StringEnum(['ADMIN', 'VIEWER', 'admin', 'viewer'] as const) });
export const MemberParams = Obj({ memberId: Uuid('Member ID') });

export const dashboardSchemas = [
  DashboardSessionSchema,
  SendCodeResponse,
  OverviewSchema,
  RevenueSchema,
  UsersSchema,
  UserSchema,
  KeysSchema,
  RotatedSecretSchema,
  RequestLogSchema,
  MemberSchema,
  MembersSchema,
];
