// The sandbox clock over HTTP (client credentials, sandbox mode only):
//   GET  /sandbox/clock            what time the sandbox thinks it is
//   POST /sandbox/clock:advance    { "days": N } | { "hours": N } | { "seconds": N } | { "to": ISO time }
// Moving forward moves the built-in Plaid sandbox's transfers and applies Plaid's events at once, so
// debits due by the new time settle or are returned before the answer. Sandbox time never moves back.
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { named, Obj } from '../../lib/schema.ts';
import { MAX_ADVANCE_MS, SandboxClock } from './clock.ts';

export const SandboxClockSchema = named(
  'SandboxClock',
  Type.Object(
    {
      now: Type.String({
        format: 'date-time',
        description: 'Sandbox time: what ctx.clock reads (settlement, limits, expiries, block timestamps)',
      }),
      realNow: Type.String({ format: 'date-time', description: 'Real time on this server' }),
      offsetSeconds: Type.Number({ description: 'How far sandbox time is ahead of real time' }),
      settlement: Type.Optional(
        Type.Object(
          {
            settled: Type.Integer(),
            returned: Type.Integer(),
            stillPending: Type.Integer({
              description: 'Events that could not be applied yet (retried by the ACH event job)',
            }),
          },
          { description: 'ACH debits resolved by the settlement run that followed the move' },
        ),
      ),
    },
    {
      examples: [
        {
          now: '2026-03-05T15:00:00.000Z',
          realNow: '2026-03-02T15:00:00.412Z',
          offsetSeconds: 259200,
          settlement: { settled: 2, returned: 1, stillPending: 0 },
        },
      ],
    },
  ),
);

export const sandboxClockSchemas = [SandboxClockSchema];

const AdvanceBody = Obj(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Whole days to move forward' })),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 87_600 })),
    seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ADVANCE_MS / 1000 })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'A later sandbox time to move to' })),
  },
  { examples: [{ days: 3 }] },
);

/**
 * After a move: the built-in Plaid sandbox moves the transfers that became due (onAdvance hooks), then
 * ACH reads Plaid's events and applies them, so the answer shows what settled. A failure is logged:
 * the move stands and the periodic jobs finish the work.
 */
export async function settleAfterMove(
  ctx: AppContext,
  clock: SandboxClock,
): Promise<Awaited<ReturnType<typeof ctx.ach.sync>> | undefined> {
  for (const error of await clock.runAdvanceHooks())
    ctx.log.error({ err: error }, 'the Plaid sandbox could not move its transfers after a clock move; its job will');
  try {
    return await ctx.ach.sync();
  } catch (error) {
    ctx.log.error({ err: error }, 'settlement after a clock move failed; the ACH event job will retry');
    return undefined;
  } finally {
    await ctx.ach.wake();
  }
}

export function registerSandboxClockRoutes(app: App, ctx: AppContext): void {
  const clock = ctx.clock;
  if (!(clock instanceof SandboxClock)) return;
  const view = () => ({
    now: clock.now().toISOString(),
    realNow: new Date().toISOString(),
    offsetSeconds: clock.offset() / 1000,
  });
  const tag = 'Sandbox';

  app.get('/sandbox/clock', {
    config: { auth: 'client', tag },
    schema: {
      operationId: 'getSandboxClock',
      summary: 'Read the sandbox clock',
      response: { 200: Type.Ref(SandboxClockSchema) },
    },
    handler: async () => {
      await clock.sync();
      return view();
    },
  });

  app.post('/sandbox/clock::advance', {
    config: { auth: 'client', tag },
    schema: {
      operationId: 'advanceSandboxClock',
      summary: 'Move the sandbox clock forward',
      description:
        'Moves sandbox time forward by `days`, `hours` or `seconds`, or to the later time `to` (exactly one), for every process sharing the database, then lets the built-in Plaid sandbox move the transfers due by then and applies the transfer events from Plaid, so debits due by then settle or are returned (Federal Reserve business days: a debit made on a Monday morning settles Thursday 09:00 New York time). Time never moves back. User sessions idle longer than the move expire, as they would.',
      body: AdvanceBody,
      response: { 200: Type.Ref(SandboxClockSchema) },
    },
    handler: async (request) => {
      const { days, hours, seconds, to } = request.body;
      const given = [days, hours, seconds, to].filter((v) => v !== undefined).length;
      if (given !== 1) {
        throw new AppError('INVALID_BODY', {
          message: 'Send exactly one of `days`, `hours`, `seconds` or `to`',
          data: { field: 'days', rule: 'exactlyOneOf', fields: ['days', 'hours', 'seconds', 'to'] },
        });
      }
      await clock.sync();
      let ms = (days ?? 0) * 86_400_000 + (hours ?? 0) * 3_600_000 + (seconds ?? 0) * 1000;
      if (to !== undefined) {
        ms = Date.parse(to) - clock.now().getTime();
        if (!(ms > 0))
          throw new AppError('INVALID_BODY', {
            message: `\`to\` must be later than the sandbox's current time ${clock.now().toISOString()}: sandbox time never moves back`,
            data: { field: 'to', rule: 'future' },
          });
        if (ms > MAX_ADVANCE_MS)
          throw new AppError('INVALID_BODY', {
            message: '`to` must be at most ten years ahead',
            data: { field: 'to', rule: 'maximum' },
          });
      }
      await clock.advance(ms);
      request.log.info({ advancedMs: ms, sandboxNow: clock.now().toISOString() }, 'sandbox clock advanced');
      const settlement = await settleAfterMove(ctx, clock);
      return { ...view(), ...(settlement ? { settlement } : {}) };
    },
  });
}
