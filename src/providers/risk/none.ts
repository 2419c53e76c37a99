// No purchase risk screening: the operator chose to rely on limits, KYC and bank verification alone
// (ONRAMP_RISK_PROVIDER=none). Every decision says so, so the audit trail never implies a check ran.
import type { PurchaseRiskInput, RiskDecision, RiskProvider } from './types.ts';

export class NoRiskProvider implements RiskProvider {
  readonly name = 'none';
  async assessPurchase(_input: PurchaseRiskInput): Promise<RiskDecision> {
    return { decision: 'APPROVE', reason: 'no risk provider configured (ONRAMP_RISK_PROVIDER=none)' };
  }
}
