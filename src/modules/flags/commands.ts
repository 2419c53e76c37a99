// Operator commands for account flags: `flags set|clear USER_ID CODE --reason R`, `flags list USER_ID [--all]`.
import { AppError } from '../../errors/app-error.ts';
import {
  option,
  positionalId,
  UsageError,
  type CommandArgs,
  type OperatorCommand,
  databaseCommand,
  type DatabaseContext,
} from '../../operator/command-args.ts';
import { FLAG_CODES, FLAGS, isFlagCode, type FlagCode } from './definitions.ts';
import { activeFlags, clearFlag, flagHistory, setFlag } from './index.ts';

function flagCode(args: CommandArgs): FlagCode {
  const code = args.positionals[1]?.toUpperCase();
  if (!code) throw new UsageError('missing CODE');
  if (!isFlagCode(code)) throw new UsageError(`CODE must be one of ${FLAG_CODES.join(', ')} (got "${code}")`);
  return code;
}

function reason(args: CommandArgs): string {
  const r = option(args, 'reason')?.trim();
  if (!r) throw new UsageError('--reason is required: say why, for the audit log');
  if (r.length > 500) throw new UsageError('--reason must be at most 500 characters');
  return r;
}

function operator(args: CommandArgs): string {
  const name = option(args, 'operator') ?? process.env.USER ?? 'operator';
  if (!/^[\w.@-]{1,64}$/.test(name)) throw new UsageError('--operator must be 1-64 letters, digits, _ . @ or -');
  return `OPERATOR:${name}`;
}

async function assertUser(ctx: DatabaseContext, userId: string): Promise<void> {
  const user = await ctx.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AppError('NOT_FOUND_USER', { message: `No user ${userId}` });
}

const changeOptions = { reason: { type: 'string' as const }, operator: { type: 'string' as const } };

export const flagCommands: OperatorCommand[] = [
  databaseCommand({
    path: ['flags', 'set'],
    options: changeOptions,
    usage: 'flags set USER_ID CODE --reason R',
    description: 'Flag a user account (F0000 suspends; every flag blocks POST/PATCH/DELETE with 403)',
    async run(ctx, args) {
      const userId = positionalId(args, 0, 'USER_ID');
      const code = flagCode(args);
      const why = reason(args);
      await assertUser(ctx, userId);
      const set = await ctx.db
        .transaction()
        .execute((trx) => setFlag(trx, { userId, code, reason: why, actor: operator(args), now: ctx.clock.now() }));
      return { userId, code, description: FLAGS[code].description, result: set ? 'SET' : 'ALREADY_ACTIVE' };
    },
  }),
  databaseCommand({
    path: ['flags', 'clear'],
    options: changeOptions,
    usage: 'flags clear USER_ID CODE --reason R',
    description: 'Clear an account flag (kept in the history with who, why and when)',
    async run(ctx, args) {
      const userId = positionalId(args, 0, 'USER_ID');
      const code = flagCode(args);
      const why = reason(args);
      await assertUser(ctx, userId);
      const cleared = await ctx.db
        .transaction()
        .execute((trx) => clearFlag(trx, { userId, code, reason: why, actor: operator(args), now: ctx.clock.now() }));
      return { userId, code, result: cleared ? 'CLEARED' : 'NOT_ACTIVE' };
    },
  }),
  databaseCommand({
    path: ['flags', 'list'],
    options: { all: { type: 'boolean' } },
    usage: 'flags list USER_ID [--all]',
    description: "A user's active flags (--all: the whole history)",
    async run(ctx, args) {
      const userId = positionalId(args, 0, 'USER_ID');
      await assertUser(ctx, userId);
      if (args.options.all === true) {
        const rows = await flagHistory(ctx.db, userId);
        return rows.map((r) => ({
          code: r.code,
          reason: r.reason,
          setBy: r.set_by,
          setTime: r.set_at.toISOString(),
          ...(r.cleared_at
            ? { clearedBy: r.cleared_by, clearedReason: r.cleared_reason, clearTime: r.cleared_at.toISOString() }
            : { active: true }),
        }));
      }
      return (await activeFlags(ctx.db, userId)).map((f) => ({
        code: f.code,
        description: FLAGS[f.code].description,
        reason: f.reason,
        setBy: f.setBy,
        setTime: f.setAt.toISOString(),
      }));
    },
  }),
];
