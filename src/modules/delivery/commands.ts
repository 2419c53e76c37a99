// Operator commands of on-chain delivery: `onramp deliveries list|retry|resync-nonce|fill-gap`.
import type { Network } from '../../chains/networks.ts';
import { option, positionalId, UsageError, type OperatorCommand } from '../../operator/commands.ts';
import { deliveriesOverview, fillNonceGap, resyncNonce, retryAllDeliveries, retryDelivery } from './operations.ts';
import { DELIVERY_STATUSES, type DeliveryStatus } from './tables.ts';

export const deliveryCommands: OperatorCommand[] = [
  {
    path: ['deliveries', 'list'],
    options: { status: { type: 'string' }, network: { type: 'string' }, limit: { type: 'string' } },
    usage: 'deliveries list [--status S,...] [--network N] [--limit N]',
    description: 'Deliveries, newest first, with why they wait; and each hot wallet sender (next nonce, halt reason)',
    async run(ctx, args) {
      const statuses = option(args, 'status')
        ?.split(',')
        .map((s) => s.trim().toUpperCase());
      for (const s of statuses ?? [])
        if (!(DELIVERY_STATUSES as readonly string[]).includes(s))
          throw new UsageError(`--status must be among ${DELIVERY_STATUSES.join(', ')} (got "${s}")`);
      const network = option(args, 'network')?.toUpperCase();
      if (network !== undefined && network !== 'ETHEREUM' && network !== 'POLYGON')
        throw new UsageError('--network must be ETHEREUM or POLYGON');
      const limitText = option(args, 'limit') ?? '50';
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--limit must be an integer from 1 to 1000');
      return deliveriesOverview(ctx, {
        limit,
        ...(statuses ? { status: statuses as DeliveryStatus[] } : {}),
        ...(network ? { network: network as Network } : {}),
      });
    },
  },
  {
    path: ['deliveries', 'retry'],
    options: { all: { type: 'boolean' } },
    usage: 'deliveries retry DELIVERY_ID | --all',
    description:
      'Retry a FAILED_RETRYABLE delivery (or all of them) once the cause is fixed; never signs a sent one again',
    async run(ctx, args) {
      if (args.options.all === true) return retryAllDeliveries(ctx);
      return retryDelivery(ctx, positionalId(args, 0, 'DELIVERY_ID'));
    },
  },
  {
    path: ['deliveries', 'resync-nonce'],
    usage: 'deliveries resync-nonce NETWORK',
    description: "Continue from the chain's nonce after the hot wallet was used outside onramp; lifts the halt",
    async run(ctx, args) {
      return resyncNonce(ctx, args.positionals[0]);
    },
  },
  {
    path: ['deliveries', 'fill-gap'],
    usage: 'deliveries fill-gap NETWORK',
    description:
      'Fill nonces no delivery holds with zero-value self-transfers so later deliveries can be mined; lifts the halt',
    async run(ctx, args) {
      return fillNonceGap(ctx, args.positionals[0]);
    },
  },
];
