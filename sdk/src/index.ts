// onramp-sdk: a typed client for onramp, the self-hostable Ratio API.
//
//   const onramp = new Onramp({ baseUrl, clientId, clientSecret });
//   await onramp.signInWithWallet(account);                 // a viem account or an EIP-1193 provider
//   const user = await onramp.api.createUser({ body: { … } });
//   const event = await verifyWebhook(rawBody, headers, webhookSecret);
export { Onramp, type OnrampOptions } from './client.js';
export { OnrampConnectionError, OnrampError, type OnrampErrorBody } from './errors.js';
export { OnrampSandbox, SANDBOX } from './sandbox.js';
export type { RetryOptions } from './transport.js';
export type { Eip1193Provider, MessageSigner, WalletSigner } from './wallet.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookHeaders,
} from './webhooks.js';
export { OnrampApi } from './generated/sdk.gen.js';
export type * from './generated/types.gen.js';
export type { Error as ApiErrorBody } from './generated/types.gen.js';
