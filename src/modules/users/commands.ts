// `onramp users find ID|EMAIL|PHONE`: an operator looks a user up the way support hears about them —
// by user id, email address (any case) or phone number (E.164) — and sees the API User object with
// the full phone number, the partner client the user belongs to and the deposit wallets.
import { UUID_RE } from '../../lib/ids.ts';
import { normalizeEmail } from '../../lib/email.ts';
import { type OperatorCommand, UsageError, databaseCommand } from '../../operator/command-args.ts';
import { listWallets } from '../wallets/list-wallets.ts';
import { findUser, userIdByEmail, userIdByPhone } from './repository.ts';
import { toUser } from './view.ts';

const E164 = /^\+[1-9]\d{1,14}$/;

export const userCommands: OperatorCommand[] = [
  databaseCommand({
    path: ['users', 'find'],
    usage: 'users find USER_ID | EMAIL | PHONE',
    description: 'Look a user up by id, email or E.164 phone: profile, KYC, banks, flags, client and wallets',
    async run(ctx, args) {
      const query = args.positionals[0]?.trim();
      if (!query) throw new UsageError('missing USER_ID, EMAIL or PHONE');
      let userId: string | undefined;
      if (UUID_RE.test(query)) userId = query.toLowerCase();
      else if (query.includes('@')) userId = await userIdByEmail(ctx.db, normalizeEmail(query));
      else if (E164.test(query.replace(/[\s().-]/g, '')))
        userId = await userIdByPhone(ctx.db, query.replace(/[\s().-]/g, ''));
      else throw new UsageError(`"${query}" is not a user id (UUID), an email address or an E.164 phone number (+1…)`);
      const row = userId === undefined ? undefined : await findUser(ctx.db, userId);
      if (!row) return { found: false, query };
      const wallets = await listWallets(ctx.db, row.id, { pageSize: 100 });
      return {
        found: true,
        user: { ...(await toUser(ctx.db, row)), phone: row.phone },
        clientId: row.client_id,
        wallets: wallets.items,
      };
    },
  }),
];
