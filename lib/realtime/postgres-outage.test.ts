/**
 * Issue 3, "Postgres stopped for 10 s": one instance (its own process) on a private embedded Postgres that this
 * file stops and starts again, never the machine's shared one. The client retries like the app's outbox.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '@/lib/errors';
import type { MessageDTO } from '@/lib/realtime/events';
import { closeTestServices, connectAs, nextEvent, recordMessages, type TestSocket } from '@/lib/testing/harness';
import { startStoppablePostgres, type StoppablePostgres } from '@/lib/testing/embedded-postgres';
import { startInstance, type Instance } from '@/lib/testing/instance';

const OUTAGE_MS = 10_000;
const ACK_TIMEOUT_MS = 2_000;
const RETRY_MS = 500;

type Outgoing = { chatId: string; clientId: string; body: string };
type Attempt = { clientId: string; at: number; result: Result<MessageDTO> | 'timeout' };

/**
 * The app's outbox in miniature: one message at a time, in order; the head is retried with the same clientId
 * every 500 ms after `unavailable` or an ack timeout. Bounded by `deadline`.
 */
async function runOutbox(socket: TestSocket, queue: Outgoing[], attempts: Attempt[], deadline: number): Promise<void> {
  while (queue.length > 0 && Date.now() < deadline) {
    const head = queue[0]!;
    const result = await socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('message:send', head)
      .catch((): 'timeout' => 'timeout');
    attempts.push({ clientId: head.clientId, at: Date.now(), result });
    if (result !== 'timeout' && result.ok) queue.shift();
    else if (result === 'timeout' || result.error === 'unavailable') await delay(RETRY_MS);
    else return; // Any other answer is final for the app's outbox too; the assertions below report it.
  }
}

/** The clientIds the outbox never got an ok for. */
const queueLeft = (attempts: Attempt[], outgoing: Outgoing[]) =>
  outgoing.filter((m) => !attempts.some((a) => a.clientId === m.clientId && a.result !== 'timeout' && a.result.ok)).map((m) => m.body);

describe('a 10 s Postgres outage under one instance', () => {
  let pg: StoppablePostgres;
  let instance: Instance;
  let sql: postgres.Sql;

  beforeAll(async () => {
    pg = await startStoppablePostgres();
    // Single-process mode: this file is about Postgres alone.
    instance = await startInstance({ DATABASE_URL: pg.url, REDIS_URL: '', PARLEY_TEST_MIGRATE: '1' });
    sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  }, 90_000);

  afterAll(async () => {
    await sql?.end({ timeout: 2 });
    await instance?.stop();
    await pg?.destroy();
    await closeTestServices();
  });

  it('answers unavailable while it is down, stays up, and lands retried sends exactly once, in order, when it returns', async () => {
    const { a, b, chatId } = await instance.call('makeChat');
    const [sender, receiver] = await Promise.all([connectAs(instance.url, a), connectAs(instance.url, b)]);
    const heard = recordMessages(receiver);
    const first: Result<MessageDTO> = await sender.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { chatId, clientId: randomUUID(), body: 'before' });
    expect(first).toMatchObject({ ok: true, data: { seq: 1 } });

    await pg.stop();
    const stoppedAt = Date.now();
    const outgoing: Outgoing[] = Array.from({ length: 5 }, (_, i) => ({ chatId, clientId: randomUUID(), body: `during ${i + 1}` }));
    const attempts: Attempt[] = [];
    const outbox = runOutbox(sender, [...outgoing], attempts, stoppedAt + OUTAGE_MS + 30_000);

    await delay(OUTAGE_MS);
    const duringOutage = [...attempts];
    expect(instance.exit(), instance.stderr()).toBeNull();
    const restartedAt = Date.now();
    await pg.start();
    await outbox;

    // While down: `unavailable` or no answer yet (both mean "retry"), never `internal` (a bug) or another final answer.
    // (That late attempts time out instead of answering `unavailable` is db/pool-outage.test.ts's subject.)
    const answers = attempts.map((attempt) => (attempt.result === 'timeout' ? 'timeout' : attempt.result.ok || attempt.result.error));
    expect(answers.filter((answer) => answer !== true && answer !== 'unavailable' && answer !== 'timeout')).toEqual([]);
    expect(duringOutage.filter((attempt) => attempt.result !== 'timeout' && !attempt.result.ok).length).toBeGreaterThan(0);
    expect(attempts.filter((attempt) => attempt.result !== 'timeout' && attempt.result.ok && attempt.at < restartedAt)).toEqual([]);
    expect(queueLeft(attempts, outgoing)).toEqual([]);

    // Afterwards: every message once, in send order, numbered without a gap.
    const rows = await sql<{ seq: number; client_id: string; body: string }[]>`
      select seq, client_id, body from messages where chat_id = ${chatId} order by seq`;
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.slice(1).map((row) => [row.client_id, row.body])).toEqual(outgoing.map((m) => [m.clientId, m.body]));

    // The other member heard each once (a later message is the barrier for anything late).
    const barrier = nextEvent(receiver, 'message:new', (m) => m.body === 'after');
    await sender.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { chatId, clientId: randomUUID(), body: 'after' });
    await barrier;
    expect(heard.map((m) => m.body)).toEqual(['before', ...outgoing.map((m) => m.body), 'after']);
    expect(instance.exit(), instance.stderr()).toBeNull();
  }, 90_000);
});
