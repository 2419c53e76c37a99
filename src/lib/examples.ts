// One consistent set of example values for the OpenAPI document: the same user, wallet, bank account
// and purchase appear in every example, as they would in one partner's integration. Schemas put these
// in `examples`; a test checks every example against its schema, so examples follow the API.

export const EXAMPLE = {
  userId: '750bc96a-1772-4cc1-8e00-8032f699f184',
  walletId: '8945f11e-3871-4914-8b39-1ad93c6c8e73',
  bankId: '26785985-00e3-4193-aca7-1079debf920d',
  activityId: '1c19b5f3-76e0-513d-931b-dad1c86c8747',
  webhookId: '6f1c2a9e-4b7d-4e21-9a3f-5d8c0b1e2f34',
  deliveryId: 'a2d4f6b8-1c3e-4a5b-9d7f-0e2c4a6b8d01',
  eventId: '10ba373a-3e01-494a-b39c-a95cc80e3595',
  address: '0xB419d350838e74eEF084d6711DF6904E4648051b',
  phone: '+12015550123',
  phoneMasked: '+1******0123',
  email: 'dylan.smith@gmail.com',
  createTime: '2026-03-02T15:04:05.000Z',
  updateTime: '2026-03-02T15:04:07.000Z',
  laterTime: '2026-03-02T15:06:12.000Z',
  sessionJwt:
    'eyJhbGciOiJFZERTQSIsImtpZCI6Im9ucmFtcC0xIiwidHlwIjoiSldUIn0.eyJzaWQiOiI0YjJmIiwiY2lkIjoiYjcwMiIsImZhYyI6WyJXQUxMRVQiLCJTTVMiXX0.3q2-7w',
  linkToken: 'link-sandbox-e13052a7-db69-4eea-bb00-bbdd1101ee6e',
  publicToken: 'public-sandbox-5c6e9a1f-2b4d-4c8e-9f1a-3d5b7c9e0a12',
  transactionHash: '0x04c6f5bad4baddaaf2109ce11c2a5692008fd9e890f352ba55286bd3b1914341',
  webhookSecret: 'whsec_q0l5V1n1pQ7xW2mK9sT4vY8bN3cF6hJ0aL5eR1uI7oE=',
} as const;

export const EXAMPLE_WALLET = {
  id: EXAMPLE.walletId,
  createTime: EXAMPLE.createTime,
  updateTime: EXAMPLE.createTime,
  address: EXAMPLE.address,
  name: 'Main',
  type: 'EVM',
} as const;

export const EXAMPLE_BANK_ACCOUNT = {
  id: EXAMPLE.bankId,
  createTime: EXAMPLE.updateTime,
  updateTime: EXAMPLE.updateTime,
  name: 'Plaid Checking',
  mask: '0000',
  linkStatus: 'ACTIVE',
  verificationStatus: 'APPROVED',
} as const;

export const EXAMPLE_KYC = {
  createTime: EXAMPLE.createTime,
  updateTime: EXAMPLE.updateTime,
  status: 'APPROVED',
  addressResult: 'APPROVED',
  dobResult: 'APPROVED',
  fraudResult: 'APPROVED',
  idvResult: 'APPROVED',
  idNumberLast4: '7890',
} as const;

export const EXAMPLE_ACTIVITY_ITEM = {
  id: EXAMPLE.activityId,
  createTime: EXAMPLE.laterTime,
  updateTime: EXAMPLE.laterTime,
  fiat: {
    status: 'PENDING',
    currency: 'USD',
    amount: '25.00',
    direction: 'CREDIT',
    fundingMethod: 'ACH_ORIGINATED_INSTANT',
    bankAccount: {
      id: EXAMPLE.bankId,
      name: 'Plaid Checking',
      mask: '0000',
      linkStatus: 'ACTIVE',
      verificationStatus: 'APPROVED',
    },
  },
  crypto: {
    status: 'COMPLETED',
    currency: 'ETH',
    wallet: EXAMPLE_WALLET,
    direction: 'DEBIT',
    amount: '0.01209',
    price: '2000.00',
    fee: '0.82',
    transactionHash: EXAMPLE.transactionHash,
  },
  metadata: {
    achType: 'INSTANT',
    network: 'ETHEREUM',
    ratioFee: '0.75',
    networkFee: '0.07',
    estimated: false,
    rateFixedTime: EXAMPLE.laterTime,
    expectedSettlementDate: '2026-03-05',
  },
} as const;
