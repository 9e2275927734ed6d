'use client';

import { useEffect, useState } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import type { MemberDTO, ReceiptDTO } from '@/lib/realtime/events';

type Position = { deliveredSeq: number; readSeq: number | null };

/** Positions only rise; the newer news decides whether receipts are shared (null: that member shares none with me). */
function advance(current: Position | undefined, next: Position): Position {
  return {
    deliveredSeq: Math.max(current?.deliveredSeq ?? 0, next.deliveredSeq),
    readSeq: next.readSeq === null ? null : Math.max(current?.readSeq ?? 0, next.readSeq),
  };
}

/**
 * Ticks in a group: a message is delivered (read) once every other current member got (saw) it, so the
 * ticks follow the lowest position among them. Members who share no read receipts are left out of the
 * read position, as the chat list does; when none share them there is no read tick.
 */
export function useGroupReceipts(chatId: string, members: MemberDTO[], meId: string): Position {
  const { socket } = useRealtime();
  const [live, setLive] = useState<Record<string, Position>>({});

  useEffect(() => {
    const onReceipt = (receipt: ReceiptDTO) => {
      if (receipt.chatId !== chatId) return;
      setLive((current) => ({ ...current, [receipt.userId]: advance(current[receipt.userId], receipt) }));
    };
    socket.on('receipt:update', onReceipt);
    return () => void socket.off('receipt:update', onReceipt);
  }, [socket, chatId]);

  const others = members.filter((member) => member.active && member.id !== meId);
  if (others.length === 0) return { deliveredSeq: 0, readSeq: null };
  const positions = others.map((member) => {
    const fetched = { deliveredSeq: member.deliveredSeq, readSeq: member.readSeq };
    const heard = live[member.id];
    return heard ? advance(fetched, heard) : fetched;
  });
  const readers = positions.flatMap((position) => (position.readSeq === null ? [] : [position.readSeq]));
  return {
    deliveredSeq: Math.min(...positions.map((position) => position.deliveredSeq)),
    readSeq: readers.length > 0 ? Math.min(...readers) : null,
  };
}
