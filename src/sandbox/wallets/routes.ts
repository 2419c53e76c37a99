// Sandbox test wallets: numbered EVM keys anyone can recompute, so scripts that cannot sign (curl, a
// Postman collection) can sign in with a real EIP-4361 signature. The server signs the challenge the
// way a user's wallet would (EIP-191 personal_sign) and the auth module verifies it as any other
// signature: nothing in sign-in knows these wallets exist. Registered in sandbox mode only; the keys
// are public knowledge — never send anything of value to their addresses.
//
//   GET  /sandbox/wallets/{index}               → { index, address, privateKey }
//   POST /sandbox/wallets/{index}:signMessage   { message } → { address, signature }
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { EXAMPLE } from '../../lib/examples.ts';
import { named, Obj } from '../../lib/schema.ts';

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const MAX_TEST_WALLET_INDEX = 2 ** 31 - 1;

/** The private key of test wallet `index`: SHA-256 of "onramp sandbox test wallet <index>" (re-hashed if out of range). */
export function testWalletKey(index: number): Hex {
  let digest = createHash('sha256').update(`onramp sandbox test wallet ${index}`).digest();
  // Out of range with probability ~2^-128; the loop is for correctness, not expected to turn.
  while (BigInt(`0x${digest.toString('hex')}`) === 0n || BigInt(`0x${digest.toString('hex')}`) >= SECP256K1_N) {
    digest = createHash('sha256').update(digest).digest();
  }
  return `0x${digest.toString('hex')}`;
}

const TEST_WALLET_EXAMPLE = {
  index: 7,
  address: privateKeyToAccount(testWalletKey(7)).address,
  privateKey: testWalletKey(7),
};

const SandboxTestWalletSchema = named(
  'SandboxTestWallet',
  Type.Object(
    {
      index: Type.Integer({ description: 'The number of the test wallet' }),
      address: Type.String({ description: 'Its EVM address (EIP-55)' }),
      privateKey: Type.String({ description: 'Its private key: public knowledge, for the sandbox only' }),
    },
    { examples: [TEST_WALLET_EXAMPLE] },
  ),
);

const SandboxSignatureSchema = named(
  'SandboxSignature',
  Type.Object(
    {
      address: Type.String({ description: 'The address that signed' }),
      signature: Type.String({ description: 'The EIP-191 (personal_sign) signature of the message, 0x hex' }),
    },
    {
      examples: [
        {
          address: TEST_WALLET_EXAMPLE.address,
          signature:
            '0x6c5a0b8e9f1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f71b',
        },
      ],
    },
  ),
);

export const sandboxWalletSchemas = [SandboxTestWalletSchema, SandboxSignatureSchema];

const IndexParams = Obj({
  index: Type.Integer({
    minimum: 0,
    maximum: MAX_TEST_WALLET_INDEX,
    description: `The test wallet's number, 0 to ${MAX_TEST_WALLET_INDEX}: use a new one for each new user`,
  }),
});

const SignBody = Obj(
  {
    message: Type.String({
      minLength: 1,
      maxLength: 4096,
      description: 'The message to sign, e.g. the challenge from cryptoWallet:start',
    }),
  },
  { examples: [{ message: `127.0.0.1:3000 wants you to sign in with your Ethereum account:\n${EXAMPLE.address}\n…` }] },
);

export function registerSandboxWalletRoutes(app: App, ctx: AppContext): void {
  if (ctx.config.mode !== 'sandbox') return;
  const tag = 'Sandbox';

  app.get('/sandbox/wallets/:index', {
    config: { auth: 'client', tag },
    schema: {
      operationId: 'getSandboxTestWallet',
      summary: 'Get a sandbox test wallet',
      description:
        'The address and private key of test wallet `index`. Its key is SHA-256 of `onramp sandbox test wallet <index>`: the same on every onramp sandbox, public knowledge. Use it to sign in from scripts that cannot sign (curl, Postman); import the key into a wallet app to try the flow by hand.',
      params: IndexParams,
      response: { 200: Type.Ref(SandboxTestWalletSchema) },
    },
    handler: async (request) => {
      const privateKey = testWalletKey(request.params.index);
      return { index: request.params.index, address: privateKeyToAccount(privateKey).address, privateKey };
    },
  });

  app.post('/sandbox/wallets/:index(^\\d+)::signMessage', {
    config: { auth: 'client', tag },
    schema: {
      operationId: 'signWithSandboxTestWallet',
      summary: 'Sign a message with a sandbox test wallet',
      description:
        "Signs `message` with test wallet `index` as a user's wallet would (EIP-191 personal_sign). Send the signature to cryptoWallet:authenticate; it is verified like any other.",
      params: IndexParams,
      body: SignBody,
      response: { 200: Type.Ref(SandboxSignatureSchema) },
    },
    handler: async (request) => {
      const account = privateKeyToAccount(testWalletKey(request.params.index));
      return { address: account.address, signature: await account.signMessage({ message: request.body.message }) };
    },
  });
}
