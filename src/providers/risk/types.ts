// Purchase risk screening: decides, after a purchase is recorded and before any money or crypto
// moves, whether the order is likely to be returned (Ratio's "signal evaluation", flag F1004).
export interface PurchaseRiskInput {
  purchaseId: string;
  userId: string;
  bankId: string;
  amountCents: bigint;
  achType: 'INSTANT' | 'STANDARD';
}

export interface RiskDecision {
  decision: 'APPROVE' | 'REJECT';
  /** Why, for operators (never shown to the partner). */
  reason: string;
}

export interface RiskProvider {
  readonly name: string;
  assessPurchase(input: PurchaseRiskInput): Promise<RiskDecision>;
}
