'use client';

import { useEffect, useRef } from 'react';
import { getChatMembers } from '@/app/(chat)/group-actions';
import { byActivity } from '@/components/chat/chat-list-state';
import { useRealtime } from '@/components/realtime-provider';
import { loadSnapshot, saveChatList, saveRooms, type OfflineRoom } from '@/lib/offline/store';
import { warmOfflineParts } from './warm-offline-parts';
import type { ChatSummaryDTO, MessageDTO, UserDTO } from '@/lib/realtime/events';
import { RECENT_MESSAGES } from '@/lib/realtime/limits';
import { mergeMessages } from '@/lib/realtime/messages';

/** This many of the most recent chats keep their newest messages on the device. */
export const OFFLINE_CHATS = 20;
/** A burst of messages saves once, shortly after it ends, and a conversation that never pauses at least this often. */
const SAVE_DELAY_MS = 1_500;
const SAVE_MAX_WAIT_MS = 15_000;
const OPEN_TIMEOUT_MS = 10_000;

type Held = Pick<OfflineRoom, 'messages' | 'members' | 'version' | 'memberCount'>;

/** Changes whenever what `chat:open` answers for the chat may have: a new, edited or deleted last message. */
function versionOf(chat: ChatSummaryDTO): string {
  const last = chat.lastMessage;
  return last ? `${last.seq}:${last.editedAt ?? ''}:${last.deleted}:${chat.active}` : `none:${chat.active}`;
}

/**
 * What the held copy becomes with the messages that arrived live, when they fill it up to the chat's last message
 * with no gap (each arrives once per member, so this costs the server nothing); null when the server must be asked.
 */
function withLive(held: Held | undefined, live: MessageDTO[], chat: ChatSummaryDTO): MessageDTO[] | null {
  if (!held || live.length === 0 || !chat.active) return null;
  const merged = mergeMessages(held.messages, live).slice(-RECENT_MESSAGES);
  const gapless = merged.every((message, i) => i === 0 || message.seq === merged[i - 1]!.seq + 1);
  const last = merged.at(-1);
  const current = last && chat.lastMessage && last.seq === chat.lastMessage.seq && last.version >= chat.lastMessage.version;
  return gapless && current ? merged : null;
}

/**
 * Keeps the device's offline copy up to date while connected: the chat list as shown, and the newest messages of
 * the OFFLINE_CHATS most recent chats. Messages that arrive live are added to the copy here; the server's
 * `chat:open` is asked only for a chat the copy lacks or cannot account for (a gap after a reconnect, say), and a
 * group's members only when it is new here or its size changed. While offline nothing is written: what is shown
 * then may itself come from this copy.
 */
export function useOfflineSnapshot(me: UserDTO, chats: ChatSummaryDTO[]) {
  const { socket, status } = useRealtime();
  // What the device holds, per chat; read from IndexedDB before the first save, so a reload reads nothing again.
  const saved = useRef<Map<string, Held> | null>(null);
  const live = useRef(new Map<string, MessageDTO[]>());
  const running = useRef<Promise<void> | null>(null);
  const waitingSince = useRef<number | null>(null);

  // Signing out leaves this page; a save still running then must not write the copy back after it is cleared.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    warmOfflineParts();
    return () => void (mounted.current = false);
  }, []);

  useEffect(() => {
    const onMessage = (message: MessageDTO) => live.current.set(message.chatId, [...(live.current.get(message.chatId) ?? []), message]);
    socket.on('message:new', onMessage);
    socket.on('message:updated', onMessage);
    return () => {
      socket.off('message:new', onMessage);
      socket.off('message:updated', onMessage);
    };
  }, [socket]);

  useEffect(() => {
    if (status !== 'connected') return;
    waitingSince.current ??= Date.now();
    const delay = Math.min(SAVE_DELAY_MS, SAVE_MAX_WAIT_MS - (Date.now() - waitingSince.current));
    const timer = setTimeout(() => {
      waitingSince.current = null;
      // One save at a time; the next change schedules another after this one.
      const previous = running.current ?? Promise.resolve();
      running.current = previous.then(() => save(chats)).catch(() => {});
    }, Math.max(0, delay));
    return () => clearTimeout(timer);

    /** The chat's newest messages as the server has them (its cache, else Postgres); null when it cannot say now. */
    async function openChat(chatId: string): Promise<MessageDTO[] | null> {
      if (!socket.connected) return null;
      const opened = await socket.timeout(OPEN_TIMEOUT_MS).emitWithAck('chat:open', { chatId }).catch(() => null);
      return opened?.ok ? opened.data.messages : null;
    }

    async function save(list: ChatSummaryDTO[]) {
      if (!saved.current) {
        const snapshot = await loadSnapshot();
        saved.current = snapshot && snapshot.me.id === me.id ? snapshot.rooms : new Map();
      }
      const held = saved.current;
      const arrived = live.current;
      live.current = new Map();
      if (!mounted.current) return;
      await saveChatList(me, list);
      const recent = [...list].sort(byActivity).slice(0, OFFLINE_CHATS);
      const rooms: Array<Omit<OfflineRoom, 'userId' | 'savedAt'>> = [];
      for (const chat of recent) {
        const known = held.get(chat.id);
        const version = versionOf(chat);
        const membersChanged = chat.kind === 'group' && known?.memberCount !== chat.memberCount;
        // Messages newer than this list (they arrived while the save was starting) wait for the next save, which
        // their list change schedules: merged now, they would look like a gap and cost a chat:open.
        const lastSeq = chat.lastMessage?.seq ?? 0;
        const fresh = arrived.get(chat.id) ?? [];
        const ahead = fresh.filter((message) => message.seq > lastSeq);
        if (ahead.length > 0) live.current.set(chat.id, [...ahead, ...(live.current.get(chat.id) ?? [])]);
        const usable = fresh.filter((message) => message.seq <= lastSeq);
        // Live edits, deletions and reactions change older messages, not the list's version.
        if (known?.version === version && !membersChanged && usable.length === 0) continue;
        const newest = withLive(known, usable, chat) ?? (await openChat(chat.id));
        if (!newest) continue;
        // A 1:1 chat's names come with the list (its peer); a group's from its members.
        let members = known?.members ?? [];
        if (membersChanged) {
          const result = await getChatMembers(chat.id).catch(() => null);
          if (result?.ok) members = result.data;
        }
        const room = { chatId: chat.id, messages: newest, members, version, memberCount: chat.memberCount };
        held.set(chat.id, room);
        rooms.push(room);
      }
      if (mounted.current) await saveRooms(me.id, rooms, recent.map((chat) => chat.id));
    }
  }, [chats, status, socket, me]);
}
