'use client';

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import type { ErrorCode } from '@/lib/errors';
import type { AttachmentDTO, MessageDTO, SyncPage } from '@/lib/realtime/events';
import { contiguousEnd, mergeMessages, newClientId } from '@/lib/realtime/messages';
import type { OutboxEntry } from '@/lib/realtime/outbox';

export type PendingMessage = OutboxEntry;

const SYNC_TIMEOUT_MS = 10_000;
const ACTION_TIMEOUT_MS = 10_000;
/** A reconnect re-reads this many recent messages, so edits, deletions and reactions missed meanwhile show. */
const RESYNC_RECENT = 100;
/** Jumping to an old message loads history in pages this large, at most this many times and for this long. */
const JUMP_PAGE_SIZE = 500;
const JUMP_MAX_PAGES = 20;
const JUMP_DEADLINE_MS = 60_000;
const JUMP_WAIT_MS = 100;
const NONE: OutboxEntry[] = [];

export type ActionResult = { ok: true } | { ok: false; error: ErrorCode };

/**
 * One open chat: the messages we hold (by sequence number), this chat's part of the tab's outbox,
 * catch-up after reconnects and focus, and older history on demand.
 */
export function useChatRoom({ chatId, meId, initialMessages }: { chatId: string; meId: string; initialMessages: MessageDTO[] }) {
  const { socket, outbox } = useRealtime();
  const [messages, setMessages] = useState(initialMessages);
  const [hasOlder, setHasOlder] = useState((initialMessages[0]?.seq ?? 1) > 1);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // A ref mirrors the messages for the async loops below, which must not act on a stale render.
  const messagesRef = useRef(initialMessages);
  const syncing = useRef<Promise<void> | null>(null);
  const entries = useSyncExternalStore(outbox.subscribe, outbox.snapshot, () => NONE);
  // Stored messages leave the outbox in the same update that brings them here, so none shows twice.
  const pending = entries.filter((e) => e.chatId === chatId && !messages.some((m) => m.clientId === e.clientId && m.senderId === meId));

  const receive = useCallback((incoming: MessageDTO[]) => {
    // New numbers are added; copies we hold give way to newer versions (an edit, deletion or reaction meanwhile).
    const merged = mergeMessages(messagesRef.current, incoming);
    if (merged !== messagesRef.current) {
      messagesRef.current = merged;
      setMessages(merged);
    }
  }, []);

  /**
   * Fetches everything after the last number we hold without a gap; one run at a time. `recent` also
   * re-reads the last RESYNC_RECENT messages we hold (after a reconnect: their edits and reactions).
   */
  const sync = useCallback((recent = false): Promise<void> => {
    syncing.current ??= (async () => {
      try {
        const end = contiguousEnd(messagesRef.current);
        const first = messagesRef.current[0]?.seq ?? 1;
        // Never below what we hold: that would be older history, which has its own button.
        let afterSeq = recent ? Math.max(0, end - RESYNC_RECENT, first - 1) : end;
        for (;;) {
          const result = await socket.timeout(SYNC_TIMEOUT_MS).emitWithAck('message:sync', { chatId, afterSeq });
          if (!result.ok) return;
          const page: SyncPage = result.data;
          receive(page.messages);
          if (!page.hasMore) return;
          afterSeq = contiguousEnd(messagesRef.current);
        }
      } catch {
        // Timed out: the next reconnect or focus tries again.
      } finally {
        syncing.current = null;
      }
    })();
    return syncing.current;
  }, [socket, chatId, receive]);

  const send = useCallback(
    (body: string, replyToId?: string, attachments: AttachmentDTO[] = []) =>
      void outbox.add({
        clientId: newClientId(),
        chatId,
        body,
        createdAt: new Date().toISOString(),
        ...(replyToId ? { replyToId } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      }),
    [outbox, chatId],
  );

  /** Edit, delete or react: waits for the server, keeps the message it answers, and says how it went. */
  const act = useCallback(
    async (run: () => Promise<{ ok: true; data: MessageDTO } | { ok: false; error: ErrorCode }>): Promise<ActionResult> => {
      try {
        const result = await run();
        if (!result.ok) return result;
        receive([result.data]);
        return { ok: true };
      } catch {
        return { ok: false, error: 'unavailable' };
      }
    },
    [receive],
  );
  const edit = useCallback(
    (messageId: string, body: string) =>
      act(() => socket.timeout(ACTION_TIMEOUT_MS).emitWithAck('message:edit', { chatId, messageId, body })),
    [act, socket, chatId],
  );
  const remove = useCallback(
    (messageId: string) => act(() => socket.timeout(ACTION_TIMEOUT_MS).emitWithAck('message:delete', { chatId, messageId })),
    [act, socket, chatId],
  );
  const toggleReaction = useCallback(
    (messageId: string, emoji: string) =>
      act(() => socket.timeout(ACTION_TIMEOUT_MS).emitWithAck('reaction:toggle', { chatId, messageId, emoji })),
    [act, socket, chatId],
  );
  const retry = useCallback((clientId: string) => outbox.retry(clientId), [outbox]);
  const discard = useCallback((clientId: string) => void outbox.remove(clientId), [outbox]);

  const hasOlderRef = useRef(hasOlder);
  const loadingRef = useRef(false);
  /** One page of history before the first message we hold; false when there was nothing (more) to load. */
  const fetchOlder = useCallback(
    async (limit?: number): Promise<boolean> => {
      const first = messagesRef.current[0];
      if (!first || loadingRef.current || !hasOlderRef.current) return false;
      loadingRef.current = true;
      setLoadingOlder(true);
      try {
        const query = `before=${first.seq}${limit ? `&limit=${limit}` : ''}`;
        const response = await fetch(`/api/chats/${chatId}/messages?${query}`, { cache: 'no-store' });
        const body = (await response.json()) as { ok: boolean; data?: { messages: MessageDTO[]; hasMore: boolean } };
        if (!body.ok || !body.data) return false;
        receive(body.data.messages);
        hasOlderRef.current = body.data.hasMore;
        setHasOlder(body.data.hasMore);
        return body.data.messages.length > 0;
      } catch {
        return false;
      } finally {
        loadingRef.current = false;
        setLoadingOlder(false);
      }
    },
    [chatId, receive],
  );
  const loadOlder = useCallback(() => void fetchOlder(), [fetchOlder]);

  /** Loads history until the message numbered `seq` is held (bounded); true when it is. */
  const loadUntil = useCallback(
    async (seq: number): Promise<boolean> => {
      // Only our own page loads count as pages; waiting on someone else's load counts against the deadline only,
      // so a slow history load (a page taking seconds) does not give up on a message that is on its way.
      const deadline = Date.now() + JUMP_DEADLINE_MS;
      let pages = 0;
      while (pages < JUMP_MAX_PAGES && Date.now() < deadline) {
        if (messagesRef.current.some((m) => m.seq === seq)) return true;
        const first = messagesRef.current[0];
        if (!first || first.seq < seq) return false; // Not ours to read, or not there at all.
        // Another load in flight: wait for it rather than give up.
        if (loadingRef.current) {
          await new Promise((resolve) => setTimeout(resolve, JUMP_WAIT_MS));
          continue;
        }
        pages++;
        if (!(await fetchOlder(JUMP_PAGE_SIZE))) return messagesRef.current.some((m) => m.seq === seq);
      }
      return messagesRef.current.some((m) => m.seq === seq);
    },
    [fetchOlder],
  );

  useEffect(() => {
    const catchUp = async () => {
      await sync();
      await outbox.flush();
    };
    // After a reconnect, also re-read the recent messages: their edits, deletions and reactions may be missed.
    const reconnected = async () => {
      await sync(true);
      await outbox.flush();
    };
    // Only a copy we hold is replaced (by a newer version); one we never loaded stays unloaded.
    const onUpdated = (message: MessageDTO) => {
      if (message.chatId === chatId && messagesRef.current.some((m) => m.seq === message.seq)) receive([message]);
    };
    const onMessage = (message: MessageDTO) => {
      if (message.chatId !== chatId) return;
      const gap = message.seq > contiguousEnd(messagesRef.current) + 1 && messagesRef.current.length > 0;
      receive([message]);
      if (gap) void sync();
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') void catchUp();
    };
    const offStored = outbox.onStored(onMessage);
    socket.on('message:new', onMessage);
    socket.on('message:updated', onUpdated);
    socket.on('connect', reconnected);
    socket.on('sync:required', reconnected);
    window.addEventListener('focus', onVisible);
    document.addEventListener('visibilitychange', onVisible);
    if (socket.connected) void catchUp();
    return () => {
      offStored();
      socket.off('message:new', onMessage);
      socket.off('message:updated', onUpdated);
      socket.off('connect', reconnected);
      socket.off('sync:required', reconnected);
      window.removeEventListener('focus', onVisible);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [socket, outbox, chatId, receive, sync]);

  return { messages, pending, hasOlder, loadingOlder, send, retry, discard, loadOlder, loadUntil, edit, remove, toggleReaction };
}
