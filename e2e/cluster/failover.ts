/**
 * The fault both failover specs share: Alice and Bob each have a socket on each of two instances, all four send
 * continuously at a bounded rate, one instance goes away (how is the spec's choice), and the oracle checks nothing
 * acknowledged was lost, duplicated or reordered once every client has caught up.
 */
import type { Browser } from '@playwright/test';
import type { Instance } from '../../scripts/start-cluster';
import { expect, test } from '../fixtures';
import { ChatClient, connectSpread } from './chat-client';
import { checkChat, readChat, type StoredMessage } from './oracle';
import { signUpPair, type TestCluster } from './test-cluster';

/** Per socket; two sockets per user stay under the per-user send limit even when both share one instance. */
const SEND_INTERVAL_MS = 250;

export type FailoverResult = {
  clients: ChatClient[];
  /** The sockets that were on the instance that went away. */
  moved: ChatClient[];
  /** Per moved socket: from the fault until it was connected to the other instance. */
  reconnectMs: number[];
  stored: StoredMessage[];
  problems: string[];
  faultAt: number;
};

const FAULT_DELAY_MS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ackedCount = (client: ChatClient) => client.sent.filter((send) => send.ackedSeq !== undefined).length;

export async function runFailover(input: { browser: Browser; cluster: TestCluster; fault: (victim: Instance) => void }): Promise<FailoverResult> {
  const { url, instances, databaseUrl } = input.cluster;
  const [victim, survivor] = instances as [Instance, Instance];
  const { chatId, cookies } = await signUpPair(input.browser, url);
  // a1 and b2 on the victim, b1 and a2 on the survivor.
  const clients = [
    new ChatClient('a1', { url, chatId, cookie: cookies.alice }),
    new ChatClient('b1', { url, chatId, cookie: cookies.bob }),
    new ChatClient('b2', { url, chatId, cookie: cookies.bob }),
    new ChatClient('a2', { url, chatId, cookie: cookies.alice }),
  ];
  let sending = true;
  try {
    await connectSpread(clients, [victim.id, survivor.id]);
    const moved = clients.filter((client) => client.instance === victim.id);
    expect(moved.map((client) => client.name)).toEqual(['a1', 'b2']);

    const senders = Promise.all(clients.map((client) => client.sendMany({ intervalMs: SEND_INTERVAL_MS, keepGoing: () => sending })));
    // If a sender throws (a send never acknowledged), stop the others and report it below.
    senders.catch(() => (sending = false));

    await test.step('mid-conversation: every socket has had messages acknowledged', async () => {
      await expect.poll(() => Math.min(...clients.map(ackedCount)), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    });

    let faultAt = 0;
    const reconnectMs: number[] = [];
    await test.step('the instance goes away; its sockets reconnect to the other one within 10 s', async () => {
      // Strike while a1's send is on its way: a few ms after the emit the instance is typically inside the
      // handler, so the send may be stored with its ack lost. The resend of the same client id must not duplicate it.
      await moved[0]!.nextSend();
      await sleep(FAULT_DELAY_MS);
      faultAt = Date.now();
      input.fault(victim);
      await expect
        .poll(() => moved.every((client) => client.connections.some((c) => c.at > faultAt && c.instance === survivor.id)), { timeout: 10_000 })
        .toBe(true);
      for (const client of moved) reconnectMs.push(client.connections.find((c) => c.at > faultAt)!.at - faultAt);
    });

    await test.step('the conversation goes on, then every sender stops after its last ack', async () => {
      const before = clients.map(ackedCount);
      await expect.poll(() => clients.every((client, k) => ackedCount(client) >= before[k]! + 3), { timeout: 15_000 }).toBe(true);
      sending = false;
      await senders;
    });

    await Promise.all(clients.map((client) => client.finalSync()));
    const stored = await readChat(databaseUrl, chatId);
    return { clients, moved, reconnectMs, stored, problems: checkChat(stored, clients), faultAt };
  } finally {
    sending = false;
    clients.forEach((client) => client.close());
  }
}

export function describeRun(result: FailoverResult): string {
  const sends = result.clients.map((client) => `${client.name} ${client.sent.length} sent/${client.stats.resends} resent/${client.stats.rateLimited} rate-limited`);
  return `${result.stored.length} messages; reconnected in ${result.reconnectMs.join(', ')} ms; ${sends.join('; ')}`;
}
