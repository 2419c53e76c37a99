// Operator commands for KYC reviews: `kyc reviews`, `kyc show USER_ID`, `kyc approve|decline USER_ID`.
import { option, positionalId, UsageError, type OperatorCommand } from '../../operator/commands.ts';
import { decideKycReview } from './decide-kyc.ts';
import { findKycRow } from './repository.ts';
import { toKyc } from './view.ts';

function operatorName(args: Parameters<OperatorCommand['run']>[1]): string {
  const name = option(args, 'operator') ?? process.env.USER ?? 'operator';
  if (!/^[\w.@-]{1,64}$/.test(name)) throw new UsageError('--operator must be 1-64 letters, digits, _ . @ or -');
  return name;
}

function reasonOf(args: Parameters<OperatorCommand['run']>[1], required: boolean): string {
  const reason = option(args, 'reason')?.trim();
  if (!reason) {
    if (required) throw new UsageError('--reason is required');
    return 'approved after review';
  }
  if (reason.length > 500) throw new UsageError('--reason must be at most 500 characters');
  return reason;
}

const decide = (decision: 'APPROVED' | 'DECLINED'): OperatorCommand => ({
  path: ['kyc', decision === 'APPROVED' ? 'approve' : 'decline'],
  options: { reason: { type: 'string' }, operator: { type: 'string' } },
  usage: `kyc ${decision === 'APPROVED' ? 'approve' : 'decline'} USER_ID ${decision === 'APPROVED' ? '[--reason R]' : '--reason R'}`,
  description: `${decision === 'APPROVED' ? 'Approve' : 'Decline'} a KYC that is IN_REVIEW (emits KYC_UPDATED, clears the KYC review flags, emails the user)`,
  async run(ctx, args) {
    const userId = positionalId(args, 0, 'USER_ID');
    const row = await decideKycReview(ctx, userId, {
      decision,
      operator: operatorName(args),
      reason: reasonOf(args, decision === 'DECLINED'),
    });
    return { userId, kyc: toKyc(row) };
  },
});

export const kycCommands: OperatorCommand[] = [
  decide('APPROVED'),
  decide('DECLINED'),
  {
    path: ['kyc', 'reviews'],
    usage: 'kyc reviews',
    description: 'List KYC submissions waiting for an operator decision (IN_REVIEW), oldest first',
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('kyc_submissions as k')
        .innerJoin('users as u', 'u.id', 'k.user_id')
        .select([
          'k.user_id',
          'k.submitted_at',
          'k.updated_at',
          'k.ssn_last4',
          'k.state',
          'u.first_name',
          'u.last_name',
        ])
        .where('k.status', '=', 'IN_REVIEW')
        .orderBy('k.submitted_at')
        .limit(500)
        .execute();
      return rows.map((r) => ({
        userId: r.user_id,
        name: `${r.first_name} ${r.last_name}`,
        state: r.state,
        ssnLast4: r.ssn_last4,
        submitTime: r.submitted_at.toISOString(),
        reviewSince: r.updated_at.toISOString(),
      }));
    },
  },
  {
    path: ['kyc', 'show'],
    usage: 'kyc show USER_ID',
    description: "Show a user's KYC status and results (the SSN only as its last four digits)",
    async run(ctx, args) {
      const userId = positionalId(args, 0, 'USER_ID');
      const row = await findKycRow(ctx.db, userId);
      return {
        userId,
        kyc: toKyc(row),
        provider: row?.provider ?? null,
        decidedBy: row?.decided_by ?? null,
        decisionReason: row?.decision_reason ?? null,
      };
    },
  },
];
