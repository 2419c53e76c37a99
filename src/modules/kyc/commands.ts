// Operator commands for KYC reviews: `kyc reviews`, `kyc show USER_ID`, `kyc approve|decline USER_ID`.
import {
  option,
  positionalId,
  UsageError,
  type OperatorCommand,
  databaseCommand,
} from '../../operator/command-args.ts';
import { decideKycReview } from './decide-kyc.ts';
import { activeFlags } from '../flags/index.ts';
import { syncVerification } from './check-kyc.ts';
import { findKycRow } from './repository.ts';
import { latestVerification, userVerifications, type VerificationRow } from './verifications.ts';
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

/** Who moves a review next: the user (documents, POST /idv), the provider's reviewers, or the operator. */
function waitingFor(latest: VerificationRow | undefined): 'USER' | 'PROVIDER' | 'OPERATOR' {
  if (latest?.status === 'active' && latest.documentary_status === 'active') return 'USER';
  if (latest?.status === 'pending_review') return 'PROVIDER';
  return 'OPERATOR';
}

export const kycCommands: OperatorCommand[] = [
  decide('APPROVED'),
  decide('DECLINED'),
  databaseCommand({
    path: ['kyc', 'reviews'],
    usage: 'kyc reviews',
    description:
      'List KYC submissions waiting for an operator decision (IN_REVIEW; with Plaid, users may still pass documents through POST /idv), oldest first',
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
      const out = [];
      for (const r of rows) {
        const latest = await latestVerification(ctx.db, r.user_id);
        out.push({
          userId: r.user_id,
          name: `${r.first_name} ${r.last_name}`,
          state: r.state,
          ssnLast4: r.ssn_last4,
          submitTime: r.submitted_at.toISOString(),
          reviewSince: r.updated_at.toISOString(),
          waitingFor: waitingFor(latest),
          verification: latest ? `${latest.id} ${latest.status}` : null,
        });
      }
      return out;
    },
  }),
  databaseCommand({
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
        flags: (await activeFlags(ctx.db, userId)).map((f) => f.code),
        verifications: (await userVerifications(ctx.db, userId)).map((v) => ({
          id: v.id,
          provider: v.provider,
          status: v.status,
          documentaryStatus: v.documentary_status,
          previousId: v.previous_id,
          createTime: v.vendor_created_at.toISOString(),
          completeTime: v.completed_at?.toISOString() ?? null,
          lastReadTime: v.updated_at.toISOString(),
          polls: v.polls,
        })),
      };
    },
  }),
  {
    path: ['kyc', 'sync'],
    usage: 'kyc sync USER_ID',
    description:
      "Read the user's newest identity verification from the KYC provider again and apply it (a lost webhook; the fallback polls gave up)",
    async run(ctx, args) {
      const userId = positionalId(args, 0, 'USER_ID');
      const latest = await latestVerification(ctx.db, userId);
      if (!latest) throw new UsageError(`user ${userId} has no verification to read (kyc show ${userId})`);
      await syncVerification(ctx, { verificationId: latest.id });
      const row = await findKycRow(ctx.db, userId);
      return { userId, kyc: toKyc(row), verification: (await latestVerification(ctx.db, userId))?.status ?? null };
    },
  },
];
