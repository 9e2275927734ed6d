'use client';

import { useEffect, useState } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import type { ChatSummaryDTO, MessageDTO, PresenceDTO } from '@/lib/realtime/events';

/** The typing indicator disappears this long after the last sign of typing. */
const TYPING_TIMEOUT_MS = 5_000;

/** Presence can arrive live or with a page render, in either order: the later fact wins. */
const later = (current: PresenceDTO, next: PresenceDTO) => (next.at >= current.at ? next : current);

/** The other person in an open chat, live: presence, typing, and how far they got (ticks). */
export function usePeerState(chat: ChatSummaryDTO, initialPresence: PresenceDTO) {
  const { socket } = useRealtime();
  const peerId = chat.peer!.id;
  const [presence, setPresence] = useState(initialPresence);
  const [typing, setTyping] = useState(false);
  const [positions, setPositions] = useState({ deliveredSeq: chat.peerDeliveredSeq, readSeq: chat.peerReadSeq });
  const [server, setServer] = useState({ initialPresence, chat });
  if (server.initialPresence !== initialPresence || server.chat !== chat) {
    setServer({ initialPresence, chat });
    setPresence((current) => later(current, initialPresence));
    setPositions((current) => ({
      deliveredSeq: Math.max(current.deliveredSeq, chat.peerDeliveredSeq),
      readSeq: chat.peerReadSeq === null ? null : Math.max(current.readSeq ?? 0, chat.peerReadSeq),
    }));
  }

  useEffect(() => {
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    const stopTyping = () => {
      clearTimeout(typingTimer);
      setTyping(false);
    };
    const onPresence = (update: PresenceDTO) => {
      if (update.userId !== peerId) return;
      setPresence((current) => later(current, update));
      if (!update.online) stopTyping();
    };
    const onTyping = (update: { chatId: string; userId: string; typing: boolean }) => {
      if (update.chatId !== chat.id || update.userId !== peerId) return;
      stopTyping();
      if (!update.typing) return;
      setTyping(true);
      typingTimer = setTimeout(() => setTyping(false), TYPING_TIMEOUT_MS);
    };
    const onMessage = (message: MessageDTO) => {
      if (message.chatId === chat.id && message.senderId === peerId) stopTyping();
    };
    const onReceipt = (receipt: { chatId: string; userId: string; deliveredSeq: number; readSeq: number | null }) => {
      if (receipt.chatId !== chat.id || receipt.userId !== peerId) return;
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
      clearTimeout(typingTimer);
      socket.off('presence:update', onPresence);
      socket.off('typing:update', onTyping);
      socket.off('message:new', onMessage);
      socket.off('receipt:update', onReceipt);
    };
  }, [socket, chat.id, peerId]);

  return { presence, typing, ...positions };
}
