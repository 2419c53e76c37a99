// Operator commands for sign-in: `auth unlock --phone P | --email E --reason R` is the documented
// recovery for a phone or email whose one-time codes are locked (429 OTP_LOCKED) or blocked after the
// cap of consecutive wrong codes (403 OTP_BLOCKED). The operator checks who asks before running it.
import type { AppContext } from '../../context.ts';
import { newId } from '../../lib/crypto.ts';
import { maskEmail, parseEmail } from '../../lib/email.ts';
import { maskPhone, parseUsMobile } from '../../lib/phone.ts';
import { option, UsageError, type CommandArgs, type OperatorCommand } from '../../operator/command-args.ts';
import { failureKey } from './otp.ts';
import type { OtpChannel } from './tables.ts';
import { unlockFailures } from './throttle.ts';

function destination(args: CommandArgs): { channel: OtpChannel; value: string; masked: string } {
  const phone = option(args, 'phone');
  const email = option(args, 'email');
  if ((phone === undefined) === (email === undefined)) throw new UsageError('give exactly one of --phone or --email');
  if (phone !== undefined) {
    const value = parseUsMobile(phone, '--phone');
    return { channel: 'SMS', value, masked: maskPhone(value) };
  }
  const value = parseEmail(email!, '--email');
  return { channel: 'EMAIL', value, masked: maskEmail(value) };
}

export const authCommands: OperatorCommand[] = [
  {
    path: ['auth', 'unlock'],
    options: {
      phone: { type: 'string' },
      email: { type: 'string' },
      reason: { type: 'string' },
      operator: { type: 'string' },
    },
    usage: 'auth unlock --phone P | --email E --reason R',
    description: 'Lift a one-time-code lock or block (OTP_LOCKED / OTP_BLOCKED) after checking who asks',
    async run(ctx: AppContext, args) {
      const target = destination(args);
      const reason = option(args, 'reason')?.trim();
      if (!reason || reason.length > 500) throw new UsageError('--reason is required (1-500 characters)');
      const operator = option(args, 'operator') ?? process.env.USER ?? 'operator';
      const removed = await ctx.db.transaction().execute(async (trx) => {
        const row = await unlockFailures(trx, failureKey(ctx.secrets.keyring, target.channel, target.value));
        if (row) {
          await trx
            .insertInto('audit_log')
            .values({
              id: newId(),
              at: ctx.clock.now(),
              actor_type: 'OPERATOR',
              actor_id: `OPERATOR:${operator.slice(0, 64)}`,
              action: 'auth.otp_unlock',
              subject_type: target.channel === 'SMS' ? 'PHONE' : 'EMAIL',
              subject_id: target.masked,
              details: JSON.stringify({
                reason,
                consecutiveFailures: row.consecutive_failures,
                blocked: row.blocked_at !== null,
              }),
            })
            .execute();
        }
        return row;
      });
      return {
        channel: target.channel,
        destination: target.value,
        result:
          removed && (removed.blocked_at || removed.locked_until || removed.consecutive_failures > 0)
            ? 'UNLOCKED'
            : 'NOT_LOCKED',
        consecutiveFailures: removed?.consecutive_failures ?? 0,
      };
    },
  },
];
