'use client';

import { useEffect, useState } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import type { ChatSummaryDTO, MessageDTO, PresenceDTO } from '@/lib/realtime/events';

/** The typing indicator disappears this long after the last sign of typing. */
const TYPING_TIMEOUT_MS = 5_000;

/** Presence can arrive live or with a page render, in either order: the later fact wins. */
const later = (current: PresenceDTO, next: PresenceDTO) => (next.at >= current.at ? next : current);

const OFFLINE: PresenceDTO = { userId: '', online: false, lastSeenAt: null, at: '' };

/**
 * The others in an open chat, live: who is typing (any chat), and for a 1:1 chat the other person's
 * presence and how far they got (ticks). Groups take their ticks from useGroupReceipts.
 */
export function usePeerState(chat: ChatSummaryDTO, initialPresence: PresenceDTO | null, meId: string) {
  const { socket } = useRealtime();
  const peerId = chat.peer?.id ?? null;
  const [presence, setPresence] = useState(initialPresence ?? OFFLINE);
  const [typingIds, setTypingIds] = useState<string[]>([]);
  const [positions, setPositions] = useState({ deliveredSeq: chat.peerDeliveredSeq, readSeq: chat.peerReadSeq });
  const [server, setServer] = useState({ initialPresence, chat });
  if (server.initialPresence !== initialPresence || server.chat !== chat) {
    setServer({ initialPresence, chat });
    if (initialPresence) setPresence((current) => later(current, initialPresence));
    setPositions((current) => ({
      deliveredSeq: Math.max(current.deliveredSeq, chat.peerDeliveredSeq),
      readSeq: chat.peerReadSeq === null ? null : Math.max(current.readSeq ?? 0, chat.peerReadSeq),
    }));
  }

  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const stopTyping = (userId: string) => {
      clearTimeout(timers.get(userId));
      timers.delete(userId);
      setTypingIds((current) => (current.includes(userId) ? current.filter((id) => id !== userId) : current));
    };
    const onPresence = (update: PresenceDTO) => {
      if (update.userId !== peerId) return;
      setPresence((current) => later(current, update));
      if (!update.online) stopTyping(update.userId);
    };
    const onTyping = (update: { chatId: string; userId: string; typing: boolean }) => {
      if (update.chatId !== chat.id || update.userId === meId) return;
      stopTyping(update.userId);
      if (!update.typing) return;
      setTypingIds((current) => [...current, update.userId]);
      timers.set(
        update.userId,
        setTimeout(() => stopTyping(update.userId), TYPING_TIMEOUT_MS),
      );
    };
    const onMessage = (message: MessageDTO) => {
      if (message.chatId === chat.id) stopTyping(message.senderId);
    };
    const onReceipt = (receipt: { chatId: string; userId: string; deliveredSeq: number; readSeq: number | null }) => {
      if (receipt.chatId !== chat.id || peerId === null || receipt.userId !== peerId) return;
      setPositions((current) => ({
        deliveredSeq: Math.max(current.deliveredSeq, receipt.deliveredSeq),
        readSeq: receipt.readSeq === null ? null : Math.max(current.readSeq ?? 0, receipt.readSeq),
      }));
    };
    socket.on('presence:update', onPresence);
    socket.on('typing:update', onTyping);
    socket.on('message:new', onMessage);
    socket.on('receipt:update', onReceipt);
    return () => {
      for (const timer of timers.values()) clearTimeout(timer);
      socket.off('presence:update', onPresence);
      socket.off('typing:update', onTyping);
      socket.off('message:new', onMessage);
      socket.off('receipt:update', onReceipt);
    };
  }, [socket, chat.id, peerId, meId]);

  return { presence, typingIds, ...positions };
}
