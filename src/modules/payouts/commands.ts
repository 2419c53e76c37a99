// Operator commands of on-chain payout: `onramp payouts list|retry|resync-nonce|fill-gap`.
import type { Network } from '../../chains/networks.ts';
import { option, positionalId, UsageError, type OperatorCommand } from '../../operator/command-args.ts';
import { payoutsOverview, fillNonceGap, resyncNonce, retryAllPayouts, retryPayout } from './operations.ts';
import { PAYOUT_STATUSES, type PayoutStatus } from './tables.ts';

export const payoutCommands: OperatorCommand[] = [
  {
    path: ['payouts', 'list'],
    options: { status: { type: 'string' }, network: { type: 'string' }, limit: { type: 'string' } },
    usage: 'payouts list [--status S,...] [--network N] [--limit N]',
    description: 'Payouts, newest first, with why they wait; and each hot wallet sender (next nonce, halt reason)',
    async run(ctx, args) {
      const statuses = option(args, 'status')
        ?.split(',')
        .map((s) => s.trim().toUpperCase());
      for (const s of statuses ?? [])
        if (!(PAYOUT_STATUSES as readonly string[]).includes(s))
          throw new UsageError(`--status must be among ${PAYOUT_STATUSES.join(', ')} (got "${s}")`);
      const network = option(args, 'network')?.toUpperCase();
      if (network !== undefined && network !== 'ETHEREUM' && network !== 'POLYGON')
        throw new UsageError('--network must be ETHEREUM or POLYGON');
      const limitText = option(args, 'limit') ?? '50';
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--limit must be an integer from 1 to 1000');
      return payoutsOverview(ctx, {
        limit,
        ...(statuses ? { status: statuses as PayoutStatus[] } : {}),
        ...(network ? { network: network as Network } : {}),
      });
    },
  },
  {
    path: ['payouts', 'retry'],
    options: { all: { type: 'boolean' } },
    usage: 'payouts retry PAYOUT_ID | --all',
    description:
      'Retry a FAILED_RETRYABLE payout (or all of them) once the cause is fixed; never signs a sent one again',
    async run(ctx, args) {
      if (args.options.all === true) return retryAllPayouts(ctx);
      return retryPayout(ctx, positionalId(args, 0, 'PAYOUT_ID'));
    },
  },
  {
    path: ['payouts', 'resync-nonce'],
    usage: 'payouts resync-nonce NETWORK',
    description: "Continue from the chain's nonce after the hot wallet was used outside onramp; lifts the halt",
    async run(ctx, args) {
      return resyncNonce(ctx, args.positionals[0]);
    },
  },
  {
    path: ['payouts', 'fill-gap'],
    usage: 'payouts fill-gap NETWORK',
    description:
      'Fill nonces no payout holds with zero-value self-transfers so later payouts can be mined; lifts the halt',
    async run(ctx, args) {
      return fillNonceGap(ctx, args.positionals[0]);
    },
  },
];
