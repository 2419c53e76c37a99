// `onramp clients update CLIENT_ID --revenue-share-bps N`: the partner's share of the fee (basis
// points of the fee, 0–10000). It applies to fees earned from then on; shares already accrued keep
// their rate (revenue_shares.bps).
import { AppError } from '../../errors/app-error.ts';
import { setRevenueShare } from './repository.ts';
import { option, positionalId, UsageError, type OperatorCommand } from '../../operator/commands.ts';

export const clientUpdateCommands: OperatorCommand[] = [
  {
    path: ['clients', 'update'],
    options: { 'revenue-share-bps': { type: 'string' } },
    usage: 'clients update CLIENT_ID --revenue-share-bps N',
    description: "Set a client's partner revenue share, in basis points of the fee (0-10000; 2000 = 20% of the fee)",
    async run(ctx, args) {
      const clientId = positionalId(args, 0, 'CLIENT_ID');
      const text = option(args, 'revenue-share-bps');
      if (text === undefined) throw new UsageError('--revenue-share-bps is required');
      if (!/^\d{1,5}$/.test(text) || Number(text) > 10_000)
        throw new UsageError('--revenue-share-bps must be an integer from 0 to 10000');
      const row = await setRevenueShare(ctx.db, clientId, Number(text), ctx.clock.now());
      if (!row) throw new AppError('NOT_FOUND_CLIENT');
      return { clientId: row.id, name: row.name, revenueShareBps: row.revenue_share_bps };
    },
  },
];
