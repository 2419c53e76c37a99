// Who may call each /dashboard/api route, checked server-side on every request before the handler:
// `config.dashboard` is 'public' (sign-in), 'viewer' (any member of the client) or 'admin'. Every
// write needs the session's CSRF token in x-csrf-token, and every write (signed in or not) must come
// from this origin: a cross-site request is refused before anything else happens.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import type { MemberActor } from './audit.ts';
import { authenticateSession, csrfMatches, SESSION_COOKIE, type DashboardPrincipal } from './sessions.ts';

export type DashboardAccess = 'public' | 'viewer' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    dashboard?: DashboardAccess;
  }
  interface FastifyRequest {
    member: DashboardPrincipal | null;
  }
}

const READS = new Set(['GET', 'HEAD']);

/** Browsers say where a request comes from; a cross-site one is refused (requests without the headers pass). */
function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new AppError('DASHBOARD_ORIGIN_REJECTED');
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`)
    throw new AppError('DASHBOARD_ORIGIN_REJECTED', { data: { origin } });
}

export function registerAccessHook(scope: FastifyInstance, ctx: AppContext): void {
  scope.decorateRequest('member', null);
  scope.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.dashboard;
    if (access === undefined) return;
    const write = !READS.has(request.method);
    if (write) assertSameOrigin(request);
    if (access === 'public') return;
    const token = request.cookies[SESSION_COOKIE];
    const member = await authenticateSession(ctx, token);
    if (write && !csrfMatches(ctx, token!, header(request, 'x-csrf-token')))
      throw new AppError('DASHBOARD_CSRF_REJECTED');
    if (access === 'admin' && member.role !== 'ADMIN') throw new AppError('DASHBOARD_ADMIN_REQUIRED');
    request.member = member;
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function actorOf(request: FastifyRequest): MemberActor {
  const m = request.member!;
  return { memberId: m.memberId, clientId: m.clientId, requestId: request.id, ip: request.ip };
}
