// The KYC provider of an app, built once from its config.
import type { AppContext } from '../../context.ts';
import { createKycProvider, type KycProvider } from '../../providers/kyc/index.ts';

const providers = new WeakMap<AppContext, KycProvider>();

export function kycProvider(ctx: AppContext): KycProvider {
  let provider = providers.get(ctx);
  if (!provider) {
    provider = createKycProvider(ctx.config.onboarding);
    providers.set(ctx, provider);
  }
  return provider;
}

/** Tests and operators may swap the provider (e.g. a vendor stand-in) before requests arrive. */
export function setKycProvider(ctx: AppContext, provider: KycProvider): void {
  providers.set(ctx, provider);
}
