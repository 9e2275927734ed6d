'use client';

import { useParams, useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import { useOfflineSnapshot } from '@/components/offline/use-offline-snapshot';
import { useRealtime } from '@/components/realtime-provider';
import type { ChatSummaryDTO, MessageDTO, ReadStateDTO, UserDTO } from '@/lib/realtime/events';
import { forgetReported, reportReceipt } from '@/lib/realtime/receipt-reporter';
import { ChatListItem } from './chat-list-item';
import { applyChatSummary, applyFreshList, applyMessage, applyMessageUpdate, applyRead, attentionCount, badgeCount } from './chat-list-state';
import { idsNamedBy } from './system-event-text';
import { notifyNewMessage, useUnreadTitleAndBadge } from './unread';
import { getMemberName, hasChatMembers, refreshChatMembers, useNameLookup } from './use-chat-members';

export function ChatList({ initialChats, me }: { initialChats: ChatSummaryDTO[]; me: UserDTO }) {
  const meId = me.id;
  const { socket } = useRealtime();
  const router = useRouter();
  const activeChatId = useParams<{ chatId?: string }>().chatId;
  const archivedListId = useId();
  const [chats, setChats] = useState(initialChats);
  const [prevInitial, setPrevInitial] = useState(initialChats);
  const [showArchived, setShowArchived] = useState(false);
  const chatsRef = useRef(chats);
  const nameOf = useNameLookup(chats);
  const nameOfRef = useRef(nameOf);
  const askedForNames = useRef(new Set<string>());
  const total = chats.reduce((sum, chat) => sum + attentionCount(chat), 0);

  // A server refresh (after a reconnect, say) brings a fresh list: it replaces what we had, but not newer messages.
  if (prevInitial !== initialChats) {
    setPrevInitial(initialChats);
    setChats((current) => applyFreshList(current, initialChats));
  }
  useEffect(() => {
    chatsRef.current = chats;
    nameOfRef.current = nameOf;
  }, [chats, nameOf]);

  useUnreadTitleAndBadge(total);
  useOfflineSnapshot(me, chats);
  useRenderWhenMutesEnd(chats);

  // Whatever the list holds reached this device: the senders see "delivered" (reported once; positions only rise).
  useEffect(() => {
    for (const chat of chats) if (chat.lastMessage && chat.lastMessage.senderId !== meId) reportReceipt(socket, chat.id, { deliveredSeq: chat.lastMessage.seq });
  }, [socket, chats, meId]);

  // Group previews name people ("Ana: hi", "Ana added Bo"): load the members of a group whose names we lack,
  // once per last message (a name that stays unknown must not make us ask forever).
  useEffect(() => {
    for (const chat of chats) {
      const last = chat.lastMessage;
      if (chat.kind !== 'group' || !last || last.deleted) continue;
      if (idsNamedBy(last).every((id) => id === meId || nameOf(chat.id, id))) continue;
      const key = `${chat.id}:${last.seq}`;
      if (askedForNames.current.has(key)) continue;
      askedForNames.current.add(key);
      void refreshChatMembers(chat.id);
    }
  }, [chats, nameOf, meId]);

  useEffect(() => {
    const onMessage = (message: MessageDTO) => {
      const fromOthers = message.senderId !== meId;
      const openAndVisible = message.chatId === activeChatId && document.visibilityState === 'visible';
      if (fromOthers) {
        // It reached this device: the sender sees "delivered".
        reportReceipt(socket, message.chatId, { deliveredSeq: message.seq });
        if (!openAndVisible) {
          const chat = chatsRef.current.find((c) => c.id === message.chatId);
          const senderName = nameOfRef.current(message.chatId, message.senderId);
          // "Ana in Trip" needs Ana's name: someone we have not seen yet (newly added) is looked up first.
          if (chat?.kind === 'group' && !senderName)
            void refreshChatMembers(chat.id).then(() => notifyNewMessage(chat, message, router, { meId, senderName: getMemberName(chat.id, message.senderId) }));
          else notifyNewMessage(chat, message, router, { meId, senderName });
        }
      }
      setChats((current) => {
        const next = applyMessage(current, message, { countsAsUnread: fromOthers && !openAndVisible, meId });
        if (next) return next;
        // A chat we have not heard of: fetch the list again rather than guess its details.
        queueMicrotask(() => router.refresh());
        return current;
      });
    };
    const onRead = (state: ReadStateDTO) => {
      const chat = chatsRef.current.find((c) => c.id === state.chatId);
      if (state.markedUnread) forgetReported(state.chatId);
      // A delivered-only flush: nothing changed for this tab.
      if (chat && state.readSeq <= chat.myReadSeq && state.markedUnread === chat.markedUnread) return;
      // Read up to the end: nothing unread. Read part of it: the exact count comes from the server.
      if (chat && state.readSeq < (chat.lastMessage?.seq ?? 0) && chat.lastMessage?.senderId !== meId) return router.refresh();
      setChats((current) => applyRead(current, state));
    };
    const onMessageUpdated = (message: MessageDTO) => setChats((current) => applyMessageUpdate(current, message));
    // 'chat:created': a new chat, or a group I left and was added back to (it is listed already: it becomes active).
    // 'chat:updated': renamed, members changed, muted, archived, or I left or was removed (it stays listed, inactive).
    const onChatSummary = (chat: ChatSummaryDTO) => {
      setChats((current) => applyChatSummary(current, chat));
      // Names we hold for it may be stale now (someone joined); unknown ones are loaded as previews need them.
      if (chat.kind === 'group' && hasChatMembers(chat.id)) void refreshChatMembers(chat.id);
    };
    // Whatever happened while no socket listened (between the page render and the first connect, or while
    // reconnecting): re-read the list from the server.
    const onConnect = () => router.refresh();
    socket.on('message:new', onMessage);
    socket.on('message:updated', onMessageUpdated);
    socket.on('chat:read', onRead);
    socket.on('chat:created', onChatSummary);
    socket.on('chat:updated', onChatSummary);
    socket.on('connect', onConnect);
    socket.on('sync:required', onConnect);
    return () => {
      socket.off('sync:required', onConnect);
      socket.off('message:new', onMessage);
      socket.off('message:updated', onMessageUpdated);
      socket.off('chat:read', onRead);
      socket.off('chat:created', onChatSummary);
      socket.off('chat:updated', onChatSummary);
      socket.off('connect', onConnect);
    };
  }, [socket, router, meId, activeChatId]);

  const archived = chats.filter((chat) => chat.archived);
  const inbox = chats.filter((chat) => !chat.archived);
  // The last archived chat came back (a new message): the folder closes, and opens closed next time.
  if (showArchived && archived.length === 0) setShowArchived(false);
  const archivedUnread = archived.reduce((sum, chat) => sum + badgeCount(chat), 0);
  const item = (chat: ChatSummaryDTO) => <ChatListItem key={chat.id} chat={chat} active={chat.id === activeChatId} meId={meId} nameOf={(userId) => nameOf(chat.id, userId)} />;

  return (
    <nav aria-label="Chat list" className="min-h-0 flex-1 overflow-y-auto">
      {chats.length === 0 ? <p className="px-4 py-6 text-sm text-muted">No chats yet. Search for someone to start one.</p> : null}
      {archived.length > 0 ? (
        <>
          <button
            type="button"
            aria-expanded={showArchived}
            aria-controls={archivedListId}
            onClick={() => setShowArchived((shown) => !shown)}
            className="flex w-full items-center gap-3 border-b border-line px-4 py-2.5 text-left text-sm hover:bg-surface-alt focus-visible:-outline-offset-2"
          >
            <ArchiveIcon />
            <span className="flex-1 font-medium">Archived ({archived.length})</span>
            {archivedUnread > 0 ? <span className="text-xs text-muted">{archivedUnread} unread</span> : null}
            <span aria-hidden="true" className={`inline-block text-muted transition-transform ${showArchived ? 'rotate-90' : ''}`}>
              ›
            </span>
          </button>
          {showArchived ? (
            <ul id={archivedListId} aria-label="Archived chats" className="border-b border-line bg-surface-alt/40">
              {archived.map(item)}
            </ul>
          ) : null}
        </>
      ) : null}
      <ul>{inbox.map(item)}</ul>
    </nav>
  );
}

/** A mute for 8 hours or a week ends by itself: render again then, so the badge turns back to colour. */
function useRenderWhenMutesEnd(chats: ChatSummaryDTO[]) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const now = Date.now();
    const ends = chats.map((chat) => (chat.mutedUntil ? Date.parse(chat.mutedUntil) - now : Infinity)).filter((ms) => ms > 0);
    const soonest = Math.min(...ends);
    // setTimeout holds at most ~24.8 days; "always" (year 9999) never ends.
    if (!Number.isFinite(soonest) || soonest > 2 ** 31 - 1) return;
    const timer = setTimeout(() => setTick((tick) => tick + 1), soonest + 1000);
    return () => clearTimeout(timer);
    // After each end, schedule the next one.
  }, [chats, tick]);
}

function ArchiveIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="h-5 w-5 text-muted">
      <rect x="2" y="3" width="20" height="5" rx="1" />
      <path d="M4 8v11a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8" />
      <path d="M10 12h4" />
    </svg>
  );
}
