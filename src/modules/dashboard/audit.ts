// Every dashboard write is in the audit log, as the member who made it (actor MEMBER).
import type { Executor } from '../../db/index.ts';
import { newId } from '../../lib/crypto.ts';

export interface MemberActor {
  memberId: string;
  clientId: string;
  requestId: string;
  ip: string;
}

export async function auditMember(
  db: Executor,
  actor: MemberActor,
  entry: { action: string; subjectType: string; subjectId: string; at: Date; details?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: entry.at,
      actor_type: 'MEMBER',
      actor_id: actor.memberId,
      action: entry.action,
      client_id: actor.clientId,
      user_id: null,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      request_id: actor.requestId,
      ip: actor.ip,
      device_fingerprint: null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
