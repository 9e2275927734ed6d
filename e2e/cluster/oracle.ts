/**
 * The oracle: Postgres is the truth. It checks the stored chat is numbered 1..N without a gap or a duplicate, that
 * every acknowledged send is stored exactly once under the number its ack gave, that each sender's messages are
 * stored in the order it sent them, and that every client's view (live events, acks and catch-up syncs) equals it.
 */
import postgres from 'postgres';
import type { ChatClient } from './chat-client';

export type StoredMessage = { seq: number; clientId: string; body: string };

export async function readChat(databaseUrl: string, chatId: string): Promise<StoredMessage[]> {
  const sql = postgres(databaseUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    return await sql<StoredMessage[]>`select seq, client_id as "clientId", body from messages where chat_id = ${chatId} order by seq`;
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** Every broken promise found, in words; empty when Postgres and every client agree. */
export function checkChat(stored: StoredMessage[], clients: ChatClient[]): string[] {
  const problems: string[] = [];
  stored.forEach((message, index) => {
    if (message.seq !== index + 1) problems.push(`postgres: position ${index + 1} holds seq ${message.seq} (a gap or a duplicate)`);
  });
  const byClientId = new Map<string, StoredMessage[]>();
  for (const message of stored) byClientId.set(message.clientId, [...(byClientId.get(message.clientId) ?? []), message]);
  for (const [clientId, copies] of byClientId) {
    if (copies.length > 1) problems.push(`postgres: client id ${clientId} stored ${copies.length} times`);
  }

  for (const client of clients) {
    problems.push(...client.problems);
    // Acknowledged means stored once, under the number the ack gave; unacknowledged sends would be a test failure.
    for (const send of client.sent) {
      const copies = byClientId.get(send.clientId) ?? [];
      if (send.ackedSeq === undefined) problems.push(`${client.name}: "${send.body}" was never acknowledged`);
      else if (copies.length !== 1) problems.push(`${client.name}: acknowledged "${send.body}" is stored ${copies.length} times`);
      else if (copies[0]!.seq !== send.ackedSeq || copies[0]!.body !== send.body) {
        problems.push(`${client.name}: "${send.body}" acked as seq ${send.ackedSeq}, stored as seq ${copies[0]!.seq} "${copies[0]!.body}"`);
      }
    }
    // Each sender waits for an ack before the next send, so its messages must be stored in send order.
    const own = new Set(client.sent.map((send) => send.clientId));
    const storedOrder = stored.filter((message) => own.has(message.clientId)).map((message) => message.body);
    const sentOrder = client.sent.map((send) => send.body);
    if (storedOrder.join('\n') !== sentOrder.join('\n')) problems.push(`${client.name}: stored order ${storedOrder.join(',')} differs from send order ${sentOrder.join(',')}`);

    const view = client.view();
    if (JSON.stringify(view) !== JSON.stringify(stored)) {
      const missing = stored.filter((message) => !view.some((seen) => seen.seq === message.seq)).map((message) => message.seq);
      const extra = view.filter((seen) => !stored.some((message) => message.seq === seen.seq && message.clientId === seen.clientId)).map((seen) => seen.seq);
      problems.push(`${client.name}: view differs from postgres (missing seqs ${missing.join(',') || 'none'}; unknown or different ${extra.join(',') || 'none'})`);
    }
  }
  return problems;
}
