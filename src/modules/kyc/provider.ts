// The KYC provider of an app, built once from its config.
import type { AppContext } from '../../context.ts';
import { createKycProvider, type KycProvider } from '../../providers/kyc/index.ts';

const providers = new WeakMap<AppContext, KycProvider>();

export function kycProvider(ctx: AppContext): KycProvider {
  let provider = providers.get(ctx);
  if (!provider) {
    provider = createKycProvider(ctx.config.onboarding, { plaid: ctx.plaid, clock: ctx.clock, log: ctx.log });
    providers.set(ctx, provider);
  }
  return provider;
}
