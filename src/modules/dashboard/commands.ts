// Operator commands for the dashboard: invite a member, list a client's members, and (sandbox mode)
// print a one-time sign-in link for a member.
import { UUID_RE } from '../../config.ts';
import { AppError } from '../../errors/app-error.ts';
import { parseEmail } from '../../lib/email.ts';
import { option, UsageError, type CommandArgs, type OperatorCommand } from '../../operator/command-args.ts';
import { inviteMember, membersOf, parseRole } from './members.ts';
import { findMemberByEmail } from './repository.ts';
import { createSignInLink } from './sign-in.ts';

function clientOption(args: CommandArgs): string {
  const clientId = option(args, 'client');
  if (!clientId || !UUID_RE.test(clientId)) throw new UsageError('--client CLIENT_ID is required (a UUID)');
  return clientId.toLowerCase();
}

export const dashboardCommands: OperatorCommand[] = [
  {
    path: ['dashboard', 'invite'],
    options: { client: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
    usage: 'dashboard invite --client CLIENT_ID --email EMAIL --role admin|viewer',
    description: "Make EMAIL a member of the client's dashboard (emails them where to sign in)",
    async run(ctx, args) {
      const clientId = clientOption(args);
      const email = option(args, 'email');
      const role = option(args, 'role');
      if (!email) throw new UsageError('--email is required');
      if (!role) throw new UsageError('--role admin|viewer is required');
      const member = await inviteMember(ctx, { clientId, email, role: parseRole(role) });
      return { ...member, clientId, signInUrl: `${ctx.config.http.publicUrl}/dashboard/sign-in` };
    },
  },
  {
    path: ['dashboard', 'members'],
    options: { client: { type: 'string' } },
    usage: 'dashboard members --client CLIENT_ID',
    description: "List a client's dashboard members",
    async run(ctx, args) {
      return (await membersOf(ctx, clientOption(args))).items;
    },
  },
  {
    path: ['dashboard', 'sign-in-link'],
    options: { client: { type: 'string' }, email: { type: 'string' } },
    usage: 'dashboard sign-in-link --client CLIENT_ID --email EMAIL',
    description: 'Sandbox mode: a one-time link that signs the member in (short-lived)',
    async run(ctx, args) {
      if (ctx.config.mode !== 'sandbox')
        throw new UsageError('sign-in links are for sandbox mode; members sign in with an emailed code');
      const clientId = clientOption(args);
      const email = parseEmail(option(args, 'email') ?? '', 'email');
      const member = await findMemberByEmail(ctx.db, clientId, email);
      if (!member) throw new AppError('NOT_FOUND_MEMBER');
      const link = await createSignInLink(ctx, member.id);
      return { url: `${ctx.config.http.publicUrl}${link.path}`, expireTime: link.expiresAt.toISOString() };
    },
  },
];
