/**
 * Issue 5: "edits and deletes reach both instances and the cache". Two real server processes share Postgres and
 * Redis: a change made on either reaches the other's sockets, and the shared cached list is rebuilt by whichever
 * instance made it, so every instance reads the change (and a deleted text is gone from Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMembership } from '@/db/queries/chats';
import { listRecentMessages } from '@/db/queries/messages';
import { getRecentMessagesCache, getVisibleRecentMessages } from '@/lib/cache/recent-messages';
import { getRedisPrefix } from '@/lib/env';
import { RECENT_MESSAGES, type MessageDTO } from '@/lib/realtime/events';
import { getRedis } from '@/lib/redis';
import { closeTestServices, connectAs, makeChat, nextEvent, sendMessage, startRealtimeServer, waitFor, type TestRealtimeServer } from '@/lib/testing/harness';
import { startRealtimeProcess, type RealtimeProcess } from '@/lib/testing/second-process';
import { ask, data } from './message-test-kit';

describe.skipIf(!process.env.REDIS_URL)('edits, deletions and reactions across two server processes (needs REDIS_URL)', () => {
  let local: TestRealtimeServer;
  let remote: RealtimeProcess;

  beforeAll(async () => {
    [local, remote] = await Promise.all([startRealtimeServer(), startRealtimeProcess()]);
  });

  afterAll(async () => {
    await local?.close();
    await remote?.stop();
    await closeTestServices();
  });

  /** The cached list as stored right now (no refill), and what Postgres holds at the chat's revision. */
  async function cacheAgainstPostgres(chatId: string, userId: string) {
    const membership = (await getMembership({ chatId, userId }))!;
    return {
      cached: await getRecentMessagesCache().read(chatId),
      postgres: { messages: await listRecentMessages({ chatId, limit: RECENT_MESSAGES }), revision: membership.revision },
      served: await getVisibleRecentMessages({ chatId, membership }),
    };
  }

  it('a change on either instance reaches the other member live, and the shared cache holds it at once', async () => {
    const { a, b, chatId } = await makeChat();
    const socketA = await local.connect(a);
    const socketB = await connectAs(remote.url, b);
    await waitFor(async () => ((await local.io.fetchSockets()).some((s) => s.data.userId === b.id) ? true : undefined), 'b on the other process');
    const sent: MessageDTO[] = [];
    for (let i = 1; i <= 30; i++) sent.push(data(await sendMessage(i % 2 ? socketA : socketB, { chatId, body: `line ${i} secret-${i}` })));

    // An edit here reaches b there.
    const editHeard = nextEvent(socketB, 'message:updated', (m) => m.id === sent[28]!.id);
    const edited = data(await ask.edit(socketA, { chatId, messageId: sent[28]!.id, body: 'line 29, fixed' }));
    expect(await editHeard).toEqual(edited);

    // A deletion there (by b, of b's own message) reaches a here; the remote instance rebuilt the shared list.
    const deleteHeard = nextEvent(socketA, 'message:updated', (m) => m.id === sent[27]!.id);
    const deleted = data(await ask.remove(socketB, { chatId, messageId: sent[27]!.id }));
    expect(await deleteHeard).toEqual(deleted);
    let state = await cacheAgainstPostgres(chatId, a.id);
    expect(state.cached).toEqual(state.postgres);
    expect(state.served).toEqual(state.postgres.messages);
    const raw = await getRedis()!.command.lrange(`${getRedisPrefix()}chat:${chatId}:recent`, 0, -1);
    expect(raw).toHaveLength(RECENT_MESSAGES);
    expect(raw.join('\n')).not.toContain('secret-28');

    // A reaction there to a's message reaches a here, with who reacted.
    const reactionHeard = nextEvent(socketA, 'message:updated', (m) => m.id === sent[24]!.id);
    const reacted = data(await ask.react(socketB, { chatId, messageId: sent[24]!.id, emoji: '🎉' }));
    expect(reacted.reactions).toEqual([{ emoji: '🎉', userIds: [b.id] }]);
    expect(await reactionHeard).toEqual(reacted);
    state = await cacheAgainstPostgres(chatId, b.id);
    expect(state.cached).toEqual(state.postgres);
    expect(state.served).toContainEqual(reacted);
  });
});
