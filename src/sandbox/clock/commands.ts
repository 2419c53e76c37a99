// Operator command: `onramp sandbox clock-advance --days N | --hours N | --to ISO` (sandbox mode).
import type { OperatorCommand } from '../../operator/command-args.ts';
import { option, UsageError } from '../../operator/command-args.ts';
import { MAX_ADVANCE_MS, SandboxClock } from './clock.ts';
import { settleAfterMove } from './routes.ts';

export const sandboxClockCommands: OperatorCommand[] = [
  {
    path: ['sandbox', 'clock-advance'],
    options: { days: { type: 'string' }, hours: { type: 'string' }, to: { type: 'string' } },
    usage: 'sandbox clock-advance --days N | --hours N | --to ISO',
    description:
      'Move the sandbox clock forward, let the Plaid sandbox move its transfers and apply their events (sandbox mode only)',
    async run(ctx, args) {
      const clock = ctx.clock;
      if (!(clock instanceof SandboxClock)) throw new UsageError('the sandbox clock exists only in sandbox mode');
      const given = ['days', 'hours', 'to'].filter((n) => option(args, n) !== undefined);
      if (given.length !== 1) throw new UsageError('give exactly one of --days, --hours, --to');
      await clock.sync();
      const n = (name: string) => {
        const v = Number(option(args, name));
        if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${name} must be a positive integer`);
        return v;
      };
      const to = option(args, 'to');
      const ms =
        to !== undefined
          ? Date.parse(to) - clock.now().getTime()
          : option(args, 'days') !== undefined
            ? n('days') * 86_400_000
            : n('hours') * 3_600_000;
      if (!(ms > 0) || ms > MAX_ADVANCE_MS)
        throw new UsageError('the sandbox clock only moves forward, by at most ten years');
      await clock.advance(ms);
      const settlement = await settleAfterMove(ctx, clock);
      return { now: clock.now().toISOString(), offsetSeconds: clock.offset() / 1000, settlement };
    },
  },
];
