// Webhooks on the dashboard: the webhooks module's own use cases (the same rules as /v1/webhooks),
// each write recorded in the audit log as the member who made it. Secrets are shown once: in the
// answer to create and rotate, never stored in clear outside the encrypted column.
import type { AppContext } from '../../context.ts';
import { replayDelivery, sendTestEvent } from '../webhooks/deliveries.ts';
import { webhookDeps } from '../webhooks/registrations.ts';
import {
  changeWebhook,
  createWebhook,
  removeWebhook,
  rotateWebhookSecret,
  type CreateWebhookInput,
  type UpdateWebhookInput,
} from '../webhooks/registrations.ts';
import { auditMember, type MemberActor } from './audit.ts';

async function audited<T>(
  ctx: AppContext,
  actor: MemberActor,
  action: string,
  subjectId: (result: T) => string,
  run: () => Promise<T>,
  details: Record<string, unknown> = {},
): Promise<T> {
  const result = await run();
  await auditMember(ctx.db, actor, {
    action: `dashboard.webhook.${action}`,
    subjectType: 'WEBHOOK',
    subjectId: subjectId(result),
    at: ctx.clock.now(),
    details,
  });
  return result;
}

export function createHook(ctx: AppContext, actor: MemberActor, input: CreateWebhookInput) {
  return audited(
    ctx,
    actor,
    'create',
    (w) => w.id,
    () => createWebhook(webhookDeps(ctx), actor.clientId, input),
    {
      url: input.url,
      events: input.events,
    },
  );
}

export function updateHook(ctx: AppContext, actor: MemberActor, webhookId: string, input: UpdateWebhookInput) {
  return audited(
    ctx,
    actor,
    input.active === false ? 'disable' : 'update',
    () => webhookId,
    () => changeWebhook(webhookDeps(ctx), actor.clientId, webhookId, input),
    { ...input },
  );
}

export function deleteHook(ctx: AppContext, actor: MemberActor, webhookId: string) {
  return audited(
    ctx,
    actor,
    'delete',
    () => webhookId,
    () => removeWebhook(webhookDeps(ctx), actor.clientId, webhookId),
  );
}

export function rotateHookSecret(ctx: AppContext, actor: MemberActor, webhookId: string) {
  return audited(
    ctx,
    actor,
    'rotate_secret',
    () => webhookId,
    () => rotateWebhookSecret(webhookDeps(ctx), actor.clientId, webhookId),
  );
}

export function testHook(ctx: AppContext, actor: MemberActor, webhookId: string) {
  return audited(
    ctx,
    actor,
    'test',
    () => webhookId,
    () => sendTestEvent(ctx, ctx.webhooks, actor.clientId, webhookId),
  );
}

export function replayHookDelivery(ctx: AppContext, actor: MemberActor, webhookId: string, deliveryId: string) {
  return audited(
    ctx,
    actor,
    'replay',
    () => webhookId,
    () => replayDelivery(ctx, ctx.webhooks, actor.clientId, webhookId, deliveryId),
    { deliveryId },
  );
}
