// The sandbox inbox: where sandbox SMS and email providers deliver. Kept in the database so every API
// process (and the CLI) sees the same messages; readable by the client that caused each message.
import type { Db } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/crypto.ts';

// Enough history to debug a test run; older messages to the same recipient are dropped.
const KEEP_PER_RECIPIENT = 50;

export type InboxMessageRow = Row<'sandbox_messages'>;

export interface InboxMessage {
  channel: 'SMS' | 'EMAIL';
  to: string;
  subject?: string;
  text: string;
  html?: string;
  clientId?: string | null;
}

export class SandboxInbox {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async deliver(message: InboxMessage): Promise<string> {
    const id = newId();
    const to = recipientKey(message.channel, message.to);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sandbox_messages')
        .values({
          id,
          client_id: message.clientId ?? null,
          channel: message.channel,
          recipient: to,
          subject: message.subject ?? null,
          text_body: message.text,
          html_body: message.html ?? null,
          created_at: this.clock.now(),
        })
        .execute();
      await trx
        .deleteFrom('sandbox_messages')
        .where('recipient', '=', to)
        .where('id', 'not in', (eb) =>
          eb
            .selectFrom('sandbox_messages')
            .select('id')
            .where('recipient', '=', to)
            .orderBy('created_at', 'desc')
            .limit(KEEP_PER_RECIPIENT),
        )
        .execute();
    });
    return id;
  }

  /** The newest messages sent on behalf of `clientId`, to anyone. */
  async recent(clientId: string, limit: number): Promise<InboxMessageRow[]> {
    return this.db
      .selectFrom('sandbox_messages')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Messages to `to` that `clientId` may read (its own and those tied to no client), newest first. */
  async list(clientId: string, to: string, limit: number): Promise<InboxMessageRow[]> {
    return this.db
      .selectFrom('sandbox_messages')
      .selectAll()
      .where('recipient', '=', recipientKey(to.includes('@') ? 'EMAIL' : 'SMS', to))
      .where((eb) => eb.or([eb('client_id', '=', clientId), eb('client_id', 'is', null)]))
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }
}

/** Email addresses are matched case-insensitively; phone numbers as given (E.164). */
function recipientKey(channel: 'SMS' | 'EMAIL', to: string): string {
  return channel === 'EMAIL' ? to.trim().toLowerCase() : to.trim();
}
