'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import type { ErrorCode } from '@/lib/errors';
import { type MessageDTO, type SyncPage } from '@/lib/realtime/events';
import { contiguousEnd, mergeMessages, newClientId } from '@/lib/realtime/messages';

export type PendingMessage = {
  clientId: string;
  body: string;
  createdAt: string;
  status: 'sending' | 'failed';
  error?: ErrorCode;
};

const ACK_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 2_000;
/** Worth retrying by itself; every other error needs the person to decide (retry or discard). */
const TRANSIENT: ErrorCode[] = ['unavailable', 'internal'];

/**
 * One open chat: the messages we hold (by sequence number), an ordered outbox of pending sends,
 * catch-up after reconnects and focus, and older history on demand.
 */
export function useChatRoom({ chatId, meId, initialMessages }: { chatId: string; meId: string; initialMessages: MessageDTO[] }) {
  const { socket } = useRealtime();
  const [messages, setMessages] = useState(initialMessages);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [hasOlder, setHasOlder] = useState((initialMessages[0]?.seq ?? 1) > 1);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // Refs mirror state for the async loops below, which must not act on a stale render.
  const messagesRef = useRef(initialMessages);
  const pendingRef = useRef<PendingMessage[]>([]);
  const flushing = useRef(false);
  const syncing = useRef<Promise<void> | null>(null);

  const updatePending = useCallback((next: PendingMessage[]) => {
    pendingRef.current = next;
    setPending(next);
  }, []);

  const receive = useCallback(
    (incoming: MessageDTO[]) => {
      const merged = mergeMessages(messagesRef.current, incoming);
      if (merged !== messagesRef.current) {
        messagesRef.current = merged;
        setMessages(merged);
      }
      // Our own stored messages replace their pending copies, matched by client id.
      const mine = new Set(incoming.filter((m) => m.senderId === meId).map((m) => m.clientId));
      if (mine.size > 0 && pendingRef.current.some((p) => mine.has(p.clientId))) {
        updatePending(pendingRef.current.filter((p) => !mine.has(p.clientId)));
      }
    },
    [meId, updatePending],
  );

  /** Fetches everything after the last number we hold without a gap; one run at a time. */
  const sync = useCallback((): Promise<void> => {
    syncing.current ??= (async () => {
      try {
        for (;;) {
          const result = await socket
            .timeout(ACK_TIMEOUT_MS)
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

  const markNotDelivered = useCallback(
    (clientId: string, error: ErrorCode) =>
      updatePending(pendingRef.current.map((p) => (p.clientId === clientId && p.error !== error ? { ...p, error } : p))),
    [updatePending],
  );

  /** Sends pending messages one at a time, in the order they were written, while connected. */
  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    try {
      while (socket.connected) {
        const next = pendingRef.current.find((p) => p.status === 'sending');
        if (!next) break;
        let result;
        try {
          result = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { chatId, clientId: next.clientId, body: next.body });
        } catch {
          // No ack in time: send the same client id again shortly; the server stores it once.
          markNotDelivered(next.clientId, 'unavailable');
          setTimeout(() => void flush(), RETRY_DELAY_MS);
          break;
        }
        if (result.ok) {
          receive([result.data]);
        } else if (TRANSIENT.includes(result.error)) {
          // The server is up but could not store it (database away): say so, and keep trying.
          markNotDelivered(next.clientId, result.error);
          setTimeout(() => void flush(), RETRY_DELAY_MS);
          break;
        } else {
          updatePending(pendingRef.current.map((p) => (p.clientId === next.clientId ? { ...p, status: 'failed', error: result.error } : p)));
        }
      }
    } finally {
      flushing.current = false;
    }
  }, [socket, chatId, receive, updatePending, markNotDelivered]);

  const send = useCallback(
    (body: string) => {
      const message: PendingMessage = { clientId: newClientId(), body, createdAt: new Date().toISOString(), status: 'sending' };
      updatePending([...pendingRef.current, message]);
      void flush();
    },
    [flush, updatePending],
  );

  const retry = useCallback(
    (clientId: string) => {
      updatePending(pendingRef.current.map((p) => (p.clientId === clientId ? { ...p, status: 'sending', error: undefined } : p)));
      void flush();
    },
    [flush, updatePending],
  );

  const discard = useCallback((clientId: string) => updatePending(pendingRef.current.filter((p) => p.clientId !== clientId)), [updatePending]);

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
      await flush();
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
    socket.on('message:new', onMessage);
    socket.on('connect', catchUp);
    socket.on('sync:required', catchUp);
    window.addEventListener('focus', onVisible);
    document.addEventListener('visibilitychange', onVisible);
    if (socket.connected) void catchUp();
    return () => {
      socket.off('message:new', onMessage);
      socket.off('connect', catchUp);
      socket.off('sync:required', catchUp);
      window.removeEventListener('focus', onVisible);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [socket, chatId, receive, sync, flush]);

  return { messages, pending, hasOlder, loadingOlder, send, retry, discard, loadOlder };
}
