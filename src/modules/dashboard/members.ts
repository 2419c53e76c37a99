// Dashboard members: invited by the operator (`onramp dashboard invite`) or by an admin member;
// admins also change roles and remove members. A client always keeps at least one admin once it has
// one, and nobody removes or demotes themselves (another admin must).
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { newId } from '../../lib/crypto.ts';
import { parseEmail } from '../../lib/email.ts';
import { escapeHtml } from '../auth/otp-messages.ts';
import { findClient } from '../clients/repository.ts';
import { auditMember, type MemberActor } from './audit.ts';
import { deleteMember, findMember, insertMember, listMembers, setMemberRole, type MemberRow } from './repository.ts';
import type { MemberRole } from './tables.ts';

export interface MemberView {
  id: string;
  email: string;
  role: MemberRole;
  invitedBy: string;
  createTime: string;
  lastSignInTime?: string;
}

export function toMember(row: MemberRow): MemberView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invited_by,
    createTime: row.created_at.toISOString(),
    ...(row.last_sign_in_at ? { lastSignInTime: row.last_sign_in_at.toISOString() } : {}),
  };
}

export function parseRole(text: string): MemberRole {
  const role = text.toUpperCase();
  if (role !== 'ADMIN' && role !== 'VIEWER')
    throw new AppError('INVALID_BODY', {
      message: '`role` must be admin or viewer',
      data: { field: 'role', rule: 'enum', allowed: ['ADMIN', 'VIEWER'] },
    });
  return role;
}

/** Adds a member and emails them where to sign in. `actor` undefined: the operator. */
export async function inviteMember(
  ctx: AppContext,
  input: { clientId: string; email: string; role: MemberRole },
  actor?: MemberActor,
): Promise<MemberView> {
  const email = parseEmail(input.email, 'email');
  const client = await findClient(ctx.db, input.clientId);
  if (!client) throw new AppError('NOT_FOUND_CLIENT');
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const inserted = await insertMember(trx, {
      id: newId(),
      client_id: input.clientId,
      email,
      role: input.role,
      invited_by: actor ? `MEMBER:${actor.memberId}` : 'OPERATOR',
      created_at: now,
      updated_at: now,
      last_sign_in_at: null,
    });
    if (!inserted) throw new AppError('ALREADY_EXISTS_MEMBER', { data: { field: 'email' } });
    if (actor)
      await auditMember(trx, actor, {
        action: 'dashboard.member.invite',
        subjectType: 'DASHBOARD_MEMBER',
        subjectId: inserted.id,
        at: now,
        details: { role: input.role },
      });
    return inserted;
  });
  await sendInvitation(ctx, client.name, row);
  return toMember(row);
}

async function sendInvitation(ctx: AppContext, clientName: string, member: MemberRow): Promise<void> {
  const brand = ctx.messaging.brandName;
  const url = `${ctx.config.http.publicUrl}/dashboard/sign-in`;
  const role = member.role === 'ADMIN' ? 'an admin' : 'a viewer';
  try {
    await ctx.messaging.sendEmail({
      to: member.email,
      clientId: member.client_id,
      subject: `You are invited to the ${clientName} dashboard on ${brand}`,
      text: `You are now ${role} of the ${clientName} dashboard on ${brand}.\n\nSign in at ${url} with this email address: a one-time code will be sent to it.`,
      html: `<p>You are now ${role} of the <b>${escapeHtml(clientName)}</b> dashboard on ${escapeHtml(brand)}.</p><p>Sign in at <a href="${escapeHtml(url)}">${escapeHtml(url)}</a> with this email address: a one-time code will be sent to it.</p>`,
    });
  } catch (error) {
    // The membership stands: they can sign in from the dashboard page without the email.
    ctx.log.warn({ err: error, memberId: member.id }, 'dashboard invitation email not sent');
  }
}

export async function membersOf(ctx: AppContext, clientId: string): Promise<{ items: MemberView[] }> {
  return { items: (await listMembers(ctx.db, clientId)).map(toMember) };
}

export async function changeRole(
  ctx: AppContext,
  actor: MemberActor,
  memberId: string,
  role: MemberRole,
): Promise<MemberView> {
  if (memberId === actor.memberId)
    throw new AppError('DASHBOARD_ADMIN_REQUIRED', { message: 'Another admin must change your own role' });
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const current = await findMember(trx, actor.clientId, memberId);
    if (!current) throw new AppError('NOT_FOUND_MEMBER', { data: { memberId } });
    const row = (await setMemberRole(trx, actor.clientId, memberId, role, now))!;
    await auditMember(trx, actor, {
      action: 'dashboard.member.role',
      subjectType: 'DASHBOARD_MEMBER',
      subjectId: memberId,
      at: now,
      details: { from: current.role, to: role },
    });
    return toMember(row);
  });
}

export async function removeMember(ctx: AppContext, actor: MemberActor, memberId: string): Promise<void> {
  if (memberId === actor.memberId)
    throw new AppError('DASHBOARD_ADMIN_REQUIRED', { message: 'Another admin must remove you' });
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const current = await findMember(trx, actor.clientId, memberId);
    if (!current) throw new AppError('NOT_FOUND_MEMBER', { data: { memberId } });
    // Its sessions go with it (on delete cascade): a removed member is signed out at once.
    // The actor is an admin and cannot remove itself, so the client keeps an admin.
    await deleteMember(trx, actor.clientId, memberId);
    await auditMember(trx, actor, {
      action: 'dashboard.member.remove',
      subjectType: 'DASHBOARD_MEMBER',
      subjectId: memberId,
      at: now,
      details: { email: current.email, role: current.role },
    });
  });
}
