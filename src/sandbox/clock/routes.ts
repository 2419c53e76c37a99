// The sandbox clock over HTTP (client credentials, sandbox mode only):
//   GET  /sandbox/clock            what time the sandbox thinks it is
//   POST /sandbox/clock:advance    { "days": N } | { "hours": N } | { "seconds": N } | { "to": ISO time }
// Moving forward runs the ACH settlement job at once, so debits due by the new time settle or are
// returned before the answer. Sandbox time never moves back.
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
            stillPending: Type.Integer({ description: 'Due debits not yet resolved (retried by the settlement job)' }),
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
        'Moves sandbox time forward by `days`, `hours` or `seconds`, or to the later time `to` (exactly one), for every process sharing the database, then runs the ACH settlement job so debits due by then settle or are returned (Federal Reserve business days: a STANDARD debit made on a Monday morning settles Thursday 09:00 New York time). Time never moves back. User sessions idle longer than the move expire, as they would.',
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
      let settlement: Awaited<ReturnType<typeof ctx.ach.settleDue>> | undefined;
      try {
        settlement = await ctx.ach.settleDue();
      } catch (error) {
        // The move stands; the settlement job (kicked below, and polling) finishes the work.
        request.log.error({ err: error }, 'settlement after a clock move failed; the job will retry');
      }
      await ctx.ach.kick(ctx.jobs);
      return { ...view(), ...(settlement ? { settlement } : {}) };
    },
  });
}
