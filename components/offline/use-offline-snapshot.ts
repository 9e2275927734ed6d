'use client';

import { useEffect, useRef } from 'react';
import { getChatMembers } from '@/app/(chat)/group-actions';
import { useRealtime } from '@/components/realtime-provider';
import { byActivity } from '@/components/chat/chat-list-state';
import { loadSnapshot, saveChatList, saveRooms } from '@/lib/offline/store';
import type { ChatSummaryDTO, MemberDTO, UserDTO } from '@/lib/realtime/events';

/** This many of the most recent chats keep their newest messages on the device. */
export const OFFLINE_CHATS = 20;
/** A burst of messages saves once, shortly after it ends. */
const SAVE_DELAY_MS = 1_500;
const OPEN_TIMEOUT_MS = 10_000;

/** Changes whenever what `chat:open` answers for the chat may have: a new, edited or deleted last message. */
function versionOf(chat: ChatSummaryDTO): string {
  const last = chat.lastMessage;
  return last ? `${last.seq}:${last.editedAt ?? ''}:${last.deleted}:${chat.active}` : `none:${chat.active}`;
}

/**
 * Keeps the device's offline copy up to date while connected: the chat list as shown, and the newest messages
 * (those the server's `chat:open` answers, cache first) of the OFFLINE_CHATS most recent chats. A chat is read
 * again only when its last message changed, and its members only when it is new here or its size changed.
 * While offline nothing is written: what is shown then may itself come from this copy.
 */
export function useOfflineSnapshot(me: UserDTO, chats: ChatSummaryDTO[]) {
  const { socket, status } = useRealtime();
  // What the device holds, per chat; read from IndexedDB before the first save, so a reload reads nothing again.
  const saved = useRef<Map<string, { version: string; memberCount: number; members: MemberDTO[] }> | null>(null);
  const running = useRef<Promise<void> | null>(null);

  // Signing out leaves this page; a save still running then must not write the copy back after it is cleared.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => void (mounted.current = false);
  }, []);

  useEffect(() => {
    if (status !== 'connected') return;
    const timer = setTimeout(() => {
      // One save at a time; the next change schedules another after this one.
      const previous = running.current ?? Promise.resolve();
      running.current = previous.then(() => save(chats)).catch(() => {});
    }, SAVE_DELAY_MS);
    return () => clearTimeout(timer);

    async function save(list: ChatSummaryDTO[]) {
      if (!saved.current) {
        const snapshot = await loadSnapshot();
        saved.current = snapshot && snapshot.me.id === me.id ? snapshot.rooms : new Map();
      }
      const held = saved.current;
      if (!mounted.current) return;
      await saveChatList(me, list);
      const recent = [...list].sort(byActivity).slice(0, OFFLINE_CHATS);
      const rooms = [];
      for (const chat of recent) {
        const known = held.get(chat.id);
        const version = versionOf(chat);
        if (known?.version === version && known.memberCount === chat.memberCount) continue;
        if (!socket.connected) return;
        const opened = await socket.timeout(OPEN_TIMEOUT_MS).emitWithAck('chat:open', { chatId: chat.id }).catch(() => null);
        if (!opened?.ok) continue;
        let members = known?.members;
        if (!members || known?.memberCount !== chat.memberCount) {
          const result = await getChatMembers(chat.id).catch(() => null);
          members = result?.ok ? result.data : (members ?? []);
        }
        held.set(chat.id, { version, memberCount: chat.memberCount, members });
        rooms.push({ chatId: chat.id, messages: opened.data.messages, members, version, memberCount: chat.memberCount });
      }
      if (mounted.current) await saveRooms(me.id, rooms, recent.map((chat) => chat.id));
    }
  }, [chats, status, socket, me]);
}
