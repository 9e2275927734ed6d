'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { getChatMembers } from '@/app/(chat)/group-actions';
import { useRealtime } from '@/components/realtime-provider';
import type { ChatSummaryDTO, MemberDTO } from '@/lib/realtime/events';

/**
 * The members of the chats this tab has looked at, shared by the open chat and the chat list (which needs group
 * members' names for "Ana: hi" and "Ana added Bo"). Messages carry only ids, so names come from here.
 */
// Replaced (never mutated) on every change, so it doubles as the snapshot React compares.
let membersByChat: ReadonlyMap<string, MemberDTO[]> = new Map();
const inFlight = new Map<string, Promise<void>>();
const listeners = new Set<() => void>();

function publish(chatId: string, members: MemberDTO[]) {
  if (membersByChat.get(chatId) === members) return;
  membersByChat = new Map(membersByChat).set(chatId, members);
  for (const listener of listeners) listener();
}

/** Asks the server again (at most one request per chat at a time); keeps what we had when it fails. */
export function refreshChatMembers(chatId: string): Promise<void> {
  const running = inFlight.get(chatId);
  if (running) return running;
  const request = getChatMembers(chatId)
    .then((result) => {
      if (result.ok) publish(chatId, result.data);
    })
    .catch(() => {})
    .finally(() => inFlight.delete(chatId));
  inFlight.set(chatId, request);
  return request;
}

/** Loads the members once, unless we already know them. */
export function ensureChatMembers(chatId: string): void {
  if (!membersByChat.has(chatId)) void refreshChatMembers(chatId);
}

const emptyStore: ReadonlyMap<string, MemberDTO[]> = new Map();

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/**
 * A name for any user id this tab knows: me ("You" is the caller's business), the other person of a 1:1 chat,
 * or a member of a group we have loaded. Re-renders the caller when more names arrive.
 */
export function useNameLookup(chats: ChatSummaryDTO[]): (chatId: string, userId: string) => string | undefined {
  const known = useSyncExternalStore(subscribe, () => membersByChat, () => emptyStore);
  return useCallback(
    (chatId: string, userId: string) => {
      const member = known.get(chatId)?.find((m) => m.id === userId);
      if (member) return member.displayName;
      const chat = chats.find((c) => c.id === chatId);
      return chat?.names[userId] ?? chats.find((c) => c.peer?.id === userId)?.peer?.displayName;
    },
    [known, chats],
  );
}

/** A member's name from what this tab holds, outside React (a notification being built). */
export const getMemberName = (chatId: string, userId: string) => membersByChat.get(chatId)?.find((m) => m.id === userId)?.displayName;

/** Whether this tab already holds the members of the chat (names in previews may still be missing otherwise). */
export const hasChatMembers = (chatId: string) => membersByChat.has(chatId);

/**
 * The members of one chat, current and former: starts from what the page rendered with, and reloads when the
 * server says the chat changed ('chat:updated': someone joined, left, was removed or became admin) and after a
 * reconnect (events may have been missed meanwhile).
 */
export function useChatMembers(chatId: string, initial: MemberDTO[]): MemberDTO[] {
  const { socket } = useRealtime();
  const [members, setMembers] = useState(initial);
  const [prev, setPrev] = useState({ chatId, initial });
  // A fresh server render (or another chat) replaces what we had.
  if (prev.chatId !== chatId || prev.initial !== initial) {
    setPrev({ chatId, initial });
    setMembers(initial);
  }

  useEffect(() => {
    publish(chatId, initial);
  }, [chatId, initial]);

  useEffect(() => {
    const onStore = () => {
      const latest = membersByChat.get(chatId);
      if (latest) setMembers(latest);
    };
    listeners.add(onStore);
    const reload = () => void refreshChatMembers(chatId);
    const onChatUpdated = (chat: ChatSummaryDTO) => {
      if (chat.id === chatId) reload();
    };
    socket.on('chat:updated', onChatUpdated);
    socket.on('chat:created', onChatUpdated);
    socket.on('connect', reload);
    socket.on('sync:required', reload);
    return () => {
      listeners.delete(onStore);
      socket.off('chat:updated', onChatUpdated);
      socket.off('chat:created', onChatUpdated);
      socket.off('connect', reload);
      socket.off('sync:required', reload);
    };
  }, [socket, chatId]);

  return members;
}
