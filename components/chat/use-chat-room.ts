'use client';

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import { type MessageDTO, type SyncPage } from '@/lib/realtime/events';
import { contiguousEnd, mergeMessages, newClientId } from '@/lib/realtime/messages';
import type { OutboxEntry } from '@/lib/realtime/outbox';

export type PendingMessage = OutboxEntry;

const SYNC_TIMEOUT_MS = 10_000;
const NONE: OutboxEntry[] = [];

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
    const merged = mergeMessages(messagesRef.current, incoming);
    if (merged !== messagesRef.current) {
      messagesRef.current = merged;
      setMessages(merged);
    }
  }, []);

  /** Fetches everything after the last number we hold without a gap; one run at a time. */
  const sync = useCallback((): Promise<void> => {
    syncing.current ??= (async () => {
      try {
        for (;;) {
          const result = await socket
            .timeout(SYNC_TIMEOUT_MS)
            .emitWithAck('message:sync', { chatId, afterSeq: contiguousEnd(messagesRef.current) });
          if (!result.ok) return;
          const page: SyncPage = result.data;
          receive(page.messages);
          if (!page.hasMore) return;
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
    (body: string) => void outbox.add({ clientId: newClientId(), chatId, body, createdAt: new Date().toISOString() }),
    [outbox, chatId],
  );
  const retry = useCallback((clientId: string) => outbox.retry(clientId), [outbox]);
  const discard = useCallback((clientId: string) => void outbox.remove(clientId), [outbox]);

  const loadOlder = useCallback(async () => {
    const first = messagesRef.current[0];
    if (!first || loadingOlder || !hasOlder) return;
    setLoadingOlder(true);
    try {
      const response = await fetch(`/api/chats/${chatId}/messages?before=${first.seq}`, { cache: 'no-store' });
      const body = (await response.json()) as { ok: boolean; data?: { messages: MessageDTO[]; hasMore: boolean } };
      if (body.ok && body.data) {
        receive(body.data.messages);
        setHasOlder(body.data.hasMore);
      }
    } finally {
      setLoadingOlder(false);
    }
  }, [chatId, hasOlder, loadingOlder, receive]);

  useEffect(() => {
    const catchUp = async () => {
      await sync();
      await outbox.flush();
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
    socket.on('connect', catchUp);
    socket.on('sync:required', catchUp);
    window.addEventListener('focus', onVisible);
    document.addEventListener('visibilitychange', onVisible);
    if (socket.connected) void catchUp();
    return () => {
      offStored();
      socket.off('message:new', onMessage);
      socket.off('connect', catchUp);
      socket.off('sync:required', catchUp);
      window.removeEventListener('focus', onVisible);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [socket, outbox, chatId, receive, sync]);

  return { messages, pending, hasOlder, loadingOlder, send, retry, discard, loadOlder };
}
