import https from 'node:https';
import { deletePushSubscriptionsByEndpoint, listPushCandidates, type PushCandidate } from '@/db/queries/push';
import { logger } from '@/lib/logger';
import type { MessageDTO } from '@/lib/realtime/events';
import { messageSummary } from '@/lib/realtime/messages';
import { buildPushPayload, type PushPayload } from './payload';
import { sendPush, type PushDevice } from './send';
import type { VapidDetails } from './vapid';

export type PushQueueOptions = {
  vapid: VapidDetails;
  /** Which of these users have a tab open and visible somewhere (lib/realtime/presence-visibility.ts): they get no push. */
  listVisible: (userIds: string[]) => Promise<Set<string>>;
  /** Tests pass one that trusts their push service's certificate; by default one keep-alive agent for every push service. */
  agent?: https.Agent;
  /** Pushes in flight at once. */
  concurrency?: number;
  /** A push service silent this long (ms) fails that one push. */
  timeoutMs?: number;
  /** Messages waiting for their recipient lookup, and pushes waiting to be sent; beyond either, new ones are dropped. */
  maxQueued?: number;
};

export type PushQueue = {
  /** Returns at once: the lookup and the pushes happen later, beside message delivery, never in its way. */
  enqueue(message: MessageDTO): void;
  /** Resolves once nothing is queued, looked up or in flight (tests wait for it before asserting that nothing was sent). */
  idle(): Promise<void>;
  stop(): void;
};

type Job = { device: PushDevice; payload: PushPayload };

/** Messages looked up per statement. */
const LOOKUP_BATCH = 500;
/**
 * A drain starts this long after the first message that finds the queue idle, and takes everything queued by then:
 * at most 1000/25 = 40 lookups a second at any send rate (a push is no worse for 25 ms), where draining at once
 * would cost Postgres one more statement per message under load.
 */
const BATCH_WINDOW_MS = 25;
/** Long enough for a real push service (FCM answers in ~100 ms), short enough that a dead one frees its slot soon. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * After a message is stored and broadcast: who should hear about it on a device (members but the sender, current,
 * not muted unless mentioned, with a subscription, with no visible tab), then one encrypted push per device.
 * One Postgres statement and one Redis round trip per drain, however many messages it takes.
 */
export function createPushQueue(options: PushQueueOptions): PushQueue {
  const concurrency = options.concurrency ?? 16;
  const maxQueued = options.maxQueued ?? 10_000;
  const agent = options.agent ?? new https.Agent({ keepAlive: true, maxSockets: concurrency });
  const messages: MessageDTO[] = [];
  // Keyed by device and chat: a newer message of a chat replaces its older one not yet sent (same tag, same topic).
  const jobs = new Map<string, Job>();
  let draining = false;
  let inFlight = 0;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];
  // A full queue drops a lot at once: one warning per 10 s with the count, not one line per push.
  let dropped = 0;
  let warnedAt = 0;
  const drop = (reason: 'lookup_queue_full' | 'send_queue_full') => {
    dropped += 1;
    if (Date.now() - warnedAt < 10_000) return;
    logger.warn('push_dropped', { reason, dropped });
    dropped = 0;
    warnedAt = Date.now();
  };

  const settleIdle = () => {
    if (draining || inFlight > 0 || messages.length > 0 || jobs.size > 0) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters = [];
  };

  async function plan(batch: MessageDTO[]): Promise<Job[]> {
    const chatIds = [...new Set(batch.map((message) => message.chatId))];
    const senderIds = [...new Set(batch.map((message) => message.senderId))];
    const candidates = await listPushCandidates({ chatIds, senderIds });
    const byChat = new Map<string, PushCandidate[]>();
    for (const candidate of candidates) {
      const members = byChat.get(candidate.chatId);
      if (members) members.push(candidate);
      else byChat.set(candidate.chatId, [candidate]);
    }

    const wanted: { message: MessageDTO; recipient: PushCandidate & { device: PushDevice }; senderName: string; text: string }[] = [];
    for (const message of batch) {
      const members = byChat.get(message.chatId) ?? [];
      const senderName = members.find((member) => member.userId === message.senderId)?.displayName ?? 'Someone';
      // Parsed once per message, not once per device of a large group.
      const text = messageSummary(message);
      for (const member of members) {
        if (!member.device || !member.active || member.userId === message.senderId) continue;
        // Joined after this message: not theirs to read.
        if (member.visibleAfterSeq >= message.seq) continue;
        // A muted chat is silent, except for a message that names me (as the in-app notification and the "@" badge do).
        if (member.muted && !message.mentionIds.includes(member.userId)) continue;
        wanted.push({ message, recipient: { ...member, device: member.device }, senderName, text });
      }
    }
    if (wanted.length === 0) return [];
    const visible = await options.listVisible([...new Set(wanted.map((entry) => entry.recipient.userId))]);
    return wanted
      .filter((entry) => !visible.has(entry.recipient.userId))
      .map(({ message, recipient, senderName, text }) => ({
        device: recipient.device,
        payload: buildPushPayload({
          chatId: message.chatId,
          chatKind: recipient.chatKind,
          chatTitle: recipient.chatTitle,
          senderName,
          body: text,
          previews: recipient.device.previews,
        }),
      }));
  }

  async function send(job: Job) {
    const outcome = await sendPush(job.device, job.payload, { vapid: options.vapid, agent, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    if (outcome === 'gone') await deletePushSubscriptionsByEndpoint([job.device.endpoint]);
  }

  function pump() {
    while (!stopped && inFlight < concurrency && jobs.size > 0) {
      const [key, job] = jobs.entries().next().value as [string, Job];
      jobs.delete(key);
      inFlight += 1;
      void send(job)
        .catch((error: unknown) => logger.warn('push_failed', { error }))
        .finally(() => {
          inFlight -= 1;
          pump();
          settleIdle();
        });
    }
  }

  /** One lookup for everything queued (up to LOOKUP_BATCH), then the next window if more came meanwhile. */
  async function drain() {
    const batch = messages.splice(0, LOOKUP_BATCH);
    try {
      const planned = await plan(batch);
      // Stopped during the lookup: nothing more is sent, and idle() must not wait for jobs nobody will run.
      if (stopped) return;
      for (const job of planned) {
        const key = `${job.device.endpoint}\n${job.payload.chatId}`;
        if (!jobs.has(key) && jobs.size >= maxQueued) {
          drop('send_queue_full');
          continue;
        }
        jobs.set(key, job);
      }
      pump();
    } catch (error) {
      // Postgres or Redis away: these messages notify no one (they are delivered and stored all the same).
      logger.warn('push_lookup_failed', { messages: batch.length, error });
    }
    if (!stopped && messages.length > 0) return void setTimeout(() => void drain(), BATCH_WINDOW_MS).unref();
    draining = false;
    settleIdle();
  }

  return {
    enqueue(message) {
      if (stopped || message.kind !== 'text' || message.deleted) return;
      if (messages.length >= maxQueued) return drop('lookup_queue_full');
      messages.push(message);
      // Later, never now: the ack and the broadcast of this message go out first, and messages sent meanwhile
      // join this drain's one lookup.
      if (!draining) {
        draining = true;
        setTimeout(() => void drain(), BATCH_WINDOW_MS).unref();
      }
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    stop() {
      stopped = true;
      messages.length = 0;
      jobs.clear();
      if (!options.agent) agent.destroy();
      settleIdle();
    },
  };
}
