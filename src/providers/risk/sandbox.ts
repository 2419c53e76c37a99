// The sandbox's documented risk behaviour (guides/sandbox-testing.md, "Risk Assessment Rejection"):
// a purchase of exactly $123.45 is rejected and the user flagged F1004; everything else passes.
import type { PurchaseRiskInput, RiskDecision, RiskProvider } from './types.ts';

export const SANDBOX_RISK_REJECT_CENTS = 12_345n;

export class SandboxRiskProvider implements RiskProvider {
  readonly name = 'sandbox';
  async assessPurchase(input: PurchaseRiskInput): Promise<RiskDecision> {
    if (input.amountCents === SANDBOX_RISK_REJECT_CENTS) {
      return { decision: 'REJECT', reason: 'sandbox test amount $123.45: signal evaluation failed' };
    }
    return { decision: 'APPROVE', reason: 'sandbox: no risk signal for this amount' };
  }
}
