// Sandbox mode: the demo client has an admin member, and `npm start` prints a one-time link that
// signs it in to the dashboard.
import type { AppContext } from '../../context.ts';
import { newId } from '../../lib/crypto.ts';
import { findMemberByEmail, insertMember } from './repository.ts';
import { createSignInLink } from './sign-in.ts';

export const DEMO_ADMIN_EMAIL = 'demo-admin@example.com';

export async function demoSignInLink(ctx: AppContext, clientId: string): Promise<{ path: string; expiresAt: Date }> {
  const now = ctx.clock.now();
  const member =
    (await findMemberByEmail(ctx.db, clientId, DEMO_ADMIN_EMAIL)) ??
    (await insertMember(ctx.db, {
      id: newId(),
      client_id: clientId,
      email: DEMO_ADMIN_EMAIL,
      role: 'ADMIN',
      invited_by: 'SYSTEM:sandbox',
      created_at: now,
      updated_at: now,
      last_sign_in_at: null,
    })) ??
    (await findMemberByEmail(ctx.db, clientId, DEMO_ADMIN_EMAIL))!;
  return createSignInLink(ctx, member.id);
}
