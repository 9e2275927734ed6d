import fs from 'node:fs';
import { expect, test } from '../fixtures';
import { ChatClient, connectSpread } from './chat-client';
import { checkChat, readChat } from './oracle';
import { listAppliedMigrations, signUpPair, startClusterForFile } from './test-cluster';

const cluster = startClusterForFile();
const SENDERS = 4;
const EACH = 50;

test('4 senders × 50 messages at once across both instances: numbered 1..200 and every member sees exactly that', async ({ browser }) => {
  test.setTimeout(90_000);
  const { url, instances, databaseUrl } = cluster();

  await test.step('the instances started together on a fresh database and migrated it once', async () => {
    const journal = JSON.parse(fs.readFileSync('db/migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    const applied = await listAppliedMigrations(databaseUrl);
    expect(applied).toHaveLength(journal.entries.length);
    expect(new Set(applied).size).toBe(applied.length);
  });

  const { chatId, cookies } = await signUpPair(browser, url);
  // Alice and Bob each have a socket on each instance: a1 and b2 on the first, b1 and a2 on the second.
  const clients = [
    new ChatClient('a1', { url, chatId, cookie: cookies.alice }),
    new ChatClient('b1', { url, chatId, cookie: cookies.bob }),
    new ChatClient('b2', { url, chatId, cookie: cookies.bob }),
    new ChatClient('a2', { url, chatId, cookie: cookies.alice }),
  ];
  try {
    await connectSpread(
      clients,
      instances.map((instance) => instance.id),
    );

    await test.step(`${SENDERS} senders send ${EACH} messages each, all at once`, async () => {
      await Promise.all(clients.map((client) => client.sendMany({ count: EACH })));
    });

    const total = SENDERS * EACH;
    await test.step('every socket heard all of them live, across instances', async () => {
      const liveCount = (client: ChatClient) => new Set(client.log.filter((entry) => entry.via === 'new').map((entry) => entry.seq)).size;
      await expect.poll(() => clients.map(liveCount), { timeout: 10_000 }).toEqual(clients.map(() => total));
    });

    await test.step('Postgres holds 1..200 once each, and every view equals it', async () => {
      await Promise.all(clients.map((client) => client.finalSync()));
      const stored = await readChat(databaseUrl, chatId);
      expect(stored).toHaveLength(total);
      expect(checkChat(stored, clients)).toEqual([]);
      // Nothing here should have needed a second try: no instance died.
      test.info().annotations.push({
        type: 'sends',
        description: clients.map((client) => `${client.name}: ${client.stats.resends} resends, ${client.stats.rateLimited} rate-limited`).join('; '),
      });
    });
  } finally {
    clients.forEach((client) => client.close());
  }
});
