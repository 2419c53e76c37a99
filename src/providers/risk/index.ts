import type { RiskConfig } from '../../config.ts';
import { NoRiskProvider } from './none.ts';
import { SandboxRiskProvider } from './sandbox.ts';
import type { RiskProvider } from './types.ts';

export type { PurchaseRiskInput, RiskDecision, RiskProvider } from './types.ts';

export function createRiskProvider(config: RiskConfig): RiskProvider {
  switch (config.provider) {
    case 'sandbox':
      return new SandboxRiskProvider();
    case 'none':
      return new NoRiskProvider();
    default: {
      const never: never = config.provider;
      throw new Error(`unknown risk provider ${String(never)}`);
    }
  }
}
