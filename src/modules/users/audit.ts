// Audit rows for onboarding actions taken through the API (who, from where, with which device).
import type { FastifyRequest } from 'fastify';
import type { Executor } from '../../db/index.ts';
import { newId } from '../../lib/crypto.ts';

export interface RequestActor {
  clientId: string;
  userId: string | null;
  requestId: string;
  ip: string;
  fingerprint: Record<string, unknown> | null;
}

export function requestActor(request: FastifyRequest): RequestActor {
  return {
    clientId: request.client!.id,
    userId: request.session?.userId ?? null,
    requestId: request.id,
    ip: request.ip,
    fingerprint: (request.fingerprint as Record<string, unknown> | null | undefined) ?? null,
  };
}

export async function auditUserAction(
  trx: Executor,
  actor: RequestActor,
  entry: {
    action: string;
    userId: string;
    subjectType: string;
    subjectId: string;
    at: Date;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: entry.at,
      actor_type: 'USER',
      actor_id: entry.userId,
      action: entry.action,
      client_id: actor.clientId,
      user_id: entry.userId,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      request_id: actor.requestId,
      ip: actor.ip,
      device_fingerprint: actor.fingerprint === null ? null : JSON.stringify(actor.fingerprint),
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
