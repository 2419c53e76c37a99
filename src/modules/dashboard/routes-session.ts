// /dashboard/api: signing in and out, the session, switching client, and the client's members.
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { actorOf } from './access.ts';
import { changeRole, inviteMember, membersOf, parseRole, removeMember } from './members.ts';
import { membershipsOf } from './repository.ts';
import {
  DashboardSessionSchema,
  InviteRequest,
  LinkRequest,
  MemberParams,
  MemberSchema,
  MembersSchema,
  RoleRequest,
  SendCodeRequest,
  SendCodeResponse,
  SwitchRequest,
  VerifyCodeRequest,
} from './schemas.ts';
import { authenticateSession, csrfTokenFor, endSession, SESSION_COOKIE, type NewSession } from './sessions.ts';
import { sendSignInCode, signInWithLink, switchClient, verifySignInCode } from './sign-in.ts';
import { auditMember } from './audit.ts';

export const dashboardSchema = <T extends object>(schema: T) => ({ ...schema, hide: true, tags: ['Dashboard'] });

const meta = (request: FastifyRequest) => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
  requestId: request.id,
});

export function registerSessionRoutes(app: App, ctx: AppContext): void {
  const cookie = {
    path: '/dashboard',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.config.dashboard.secureCookie,
  };

  /** The session as the page sees it (with its CSRF token), for the token in the cookie. */
  const view = async (token: string) => {
    const m = await authenticateSession(ctx, token);
    const memberships = await membershipsOf(ctx.db, m.email);
    return {
      member: { id: m.memberId, email: m.email, role: m.role },
      client: { id: m.clientId, name: m.clientName },
      memberships: memberships.map((x) => ({ clientId: x.client_id, clientName: x.client_name, role: x.role })),
      csrfToken: csrfTokenFor(ctx, token),
      expireTime: m.expiresAt.toISOString(),
      idleExpireTime: m.idleExpiresAt.toISOString(),
      mode: ctx.config.mode,
    };
  };
  const signedIn = async (reply: FastifyReply, session: NewSession) => {
    reply.setCookie(SESSION_COOKIE, session.token, { ...cookie, maxAge: ctx.config.dashboard.sessionMaxSeconds });
    return view(session.token);
  };
  const response = { 200: Type.Ref(DashboardSessionSchema) };

  app.post('/dashboard/api/sign-in/code', {
    config: { dashboard: 'public' },
    schema: dashboardSchema({
      summary: 'Email a sign-in code',
      description: 'Always answers the same way, member or not; only members get an email.',
      body: SendCodeRequest,
      response: { 200: Type.Ref(SendCodeResponse) },
    }),
    handler: async (request) => sendSignInCode(ctx, request.ip, request.body.email),
  });

  app.post('/dashboard/api/sign-in/verify', {
    config: { dashboard: 'public' },
    schema: dashboardSchema({ summary: 'Sign in with the emailed code', body: VerifyCodeRequest, response }),
    handler: async (request, reply) => signedIn(reply, await verifySignInCode(ctx, request.body, meta(request))),
  });

  app.post('/dashboard/api/sign-in/link', {
    config: { dashboard: 'public' },
    schema: dashboardSchema({ summary: 'Sign in with a one-time sign-in link', body: LinkRequest, response }),
    handler: async (request, reply) => signedIn(reply, await signInWithLink(ctx, request.body.token, meta(request))),
  });

  app.get('/dashboard/api/session', {
    config: { dashboard: 'viewer' },
    schema: dashboardSchema({ summary: 'The current session, with its CSRF token', response }),
    handler: async (request) => view(request.cookies[SESSION_COOKIE]!),
  });

  app.post('/dashboard/api/session/switch', {
    config: { dashboard: 'viewer' },
    schema: dashboardSchema({ summary: 'Switch to another client of the same email', body: SwitchRequest, response }),
    handler: async (request, reply) => {
      const next = await switchClient(ctx, request.member!.email, request.body.clientId.toLowerCase(), meta(request));
      await endSession(ctx, request.member!);
      return signedIn(reply, next);
    },
  });

  app.post('/dashboard/api/sign-out', {
    config: { dashboard: 'viewer' },
    schema: dashboardSchema({ summary: 'Sign out', response: { 204: Type.Null() } }),
    handler: async (request, reply) => {
      await endSession(ctx, request.member!);
      await auditMember(ctx.db, actorOf(request), {
        action: 'dashboard.sign_out',
        subjectType: 'DASHBOARD_MEMBER',
        subjectId: request.member!.memberId,
        at: ctx.clock.now(),
      });
      reply.clearCookie(SESSION_COOKIE, cookie);
      return reply.code(204).send(null);
    },
  });

  registerMemberRoutes(app, ctx);
}

function registerMemberRoutes(app: App, ctx: AppContext): void {
  app.get('/dashboard/api/members', {
    config: { dashboard: 'viewer' },
    schema: dashboardSchema({ summary: "The client's dashboard members", response: { 200: Type.Ref(MembersSchema) } }),
    handler: async (request) => membersOf(ctx, request.member!.clientId),
  });

  app.post('/dashboard/api/members', {
    config: { dashboard: 'admin' },
    schema: dashboardSchema({
      summary: 'Invite a member (admin)',
      body: InviteRequest,
      response: { 201: Type.Ref(MemberSchema) },
    }),
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const input = { clientId: actor.clientId, email: request.body.email, role: parseRole(request.body.role) };
      return reply.code(201).send(await inviteMember(ctx, input, actor));
    },
  });

  app.patch('/dashboard/api/members/:memberId', {
    config: { dashboard: 'admin' },
    schema: dashboardSchema({
      summary: "Change a member's role (admin)",
      params: MemberParams,
      body: RoleRequest,
      response: { 200: Type.Ref(MemberSchema) },
    }),
    handler: async (request) =>
      changeRole(ctx, actorOf(request), request.params.memberId.toLowerCase(), parseRole(request.body.role)),
  });

  app.delete('/dashboard/api/members/:memberId', {
    config: { dashboard: 'admin' },
    schema: dashboardSchema({
      summary: 'Remove a member (admin); their sessions end',
      params: MemberParams,
      response: { 204: Type.Null() },
    }),
    handler: async (request, reply) => {
      await removeMember(ctx, actorOf(request), request.params.memberId.toLowerCase());
      return reply.code(204).send(null);
    },
  });
}
