// The sandbox webhook receiver's SQL: keep what arrived (the newest KEEP_PER_CLIENT per client), list it.
import type { Db } from '../../db/index.ts';
import { newId } from '../../lib/crypto.ts';

const KEEP_PER_CLIENT = 100;

export interface Receipt {
  id: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: Date;
}

export async function clientExists(db: Db, clientId: string): Promise<boolean> {
  return (await db.selectFrom('clients').select('id').where('id', '=', clientId).executeTakeFirst()) !== undefined;
}

export async function keepReceipt(
  db: Db,
  clientId: string,
  receipt: { headers: Record<string, string>; body: string; receivedAt: Date },
): Promise<string> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sandbox_webhook_receipts')
      .values({
        id,
        client_id: clientId,
        headers: JSON.stringify(receipt.headers),
        body: receipt.body,
        received_at: receipt.receivedAt,
      })
      .execute();
    await trx
      .deleteFrom('sandbox_webhook_receipts')
      .where('client_id', '=', clientId)
      .where('id', 'not in', (eb) =>
        eb
          .selectFrom('sandbox_webhook_receipts')
          .select('id')
          .where('client_id', '=', clientId)
          .orderBy('received_at', 'desc')
          .limit(KEEP_PER_CLIENT),
      )
      .execute();
  });
  return id;
}

export async function listReceipts(db: Db, clientId: string, limit: number): Promise<Receipt[]> {
  const rows = await db
    .selectFrom('sandbox_webhook_receipts')
    .selectAll()
    .where('client_id', '=', clientId)
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, headers: r.headers, body: r.body, receivedAt: r.received_at }));
}
