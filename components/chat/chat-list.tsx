'use client';

import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import { Time } from '@/components/ui/time';
import type { ChatSummaryDTO, MessageDTO, ReadStateDTO } from '@/lib/realtime/events';
import { forgetReported, reportReceipt } from '@/lib/realtime/receipt-reporter';
import { MarkUnreadButton, UnreadBadge, notifyNewMessage, useUnreadTitleAndBadge } from './unread';
import { Avatar } from './avatar';

const byActivity = (a: ChatSummaryDTO, b: ChatSummaryDTO) => b.lastActivityAt.localeCompare(a.lastActivityAt);

/** Applies a new message to the list: newer previews win, the chat moves to the top, and it may count as unread. */
export function applyMessage(chats: ChatSummaryDTO[], message: MessageDTO, countsAsUnread: boolean): ChatSummaryDTO[] | null {
  const chat = chats.find((c) => c.id === message.chatId);
  if (!chat) return null;
  if (chat.lastMessage && chat.lastMessage.seq >= message.seq) return chats;
  const unread = countsAsUnread && message.seq > chat.myReadSeq ? 1 : 0;
  const updated = { ...chat, lastMessage: message, lastActivityAt: message.createdAt, unreadCount: chat.unreadCount + unread };
  return [updated, ...chats.filter((c) => c.id !== chat.id)].sort(byActivity);
}

/** What the badge shows: the unread count, or 1 for a chat marked unread. */
const badgeCount = (chat: ChatSummaryDTO) => (chat.unreadCount > 0 ? chat.unreadCount : chat.markedUnread ? 1 : 0);

export function ChatList({ initialChats, meId }: { initialChats: ChatSummaryDTO[]; meId: string }) {
  const { socket } = useRealtime();
  const router = useRouter();
  const activeChatId = useParams<{ chatId?: string }>().chatId;
  const [chats, setChats] = useState(initialChats);
  const [prevInitial, setPrevInitial] = useState(initialChats);
  const chatsRef = useRef(chats);
  const total = chats.reduce((sum, chat) => sum + badgeCount(chat), 0);

  // A server refresh (after a reconnect, say) brings a fresh list: it replaces what we had.
  if (prevInitial !== initialChats) {
    setPrevInitial(initialChats);
    setChats(initialChats);
  }
  useEffect(() => {
    chatsRef.current = chats;
  }, [chats]);

  useUnreadTitleAndBadge(total);

  // Whatever the list holds reached this device: the senders see "delivered" (reported once; positions only rise).
  useEffect(() => {
    for (const chat of chats) if (chat.lastMessage && chat.lastMessage.senderId !== meId) reportReceipt(socket, chat.id, { deliveredSeq: chat.lastMessage.seq });
  }, [socket, chats, meId]);

  useEffect(() => {
    const onMessage = (message: MessageDTO) => {
      const fromOthers = message.senderId !== meId;
      const openAndVisible = message.chatId === activeChatId && document.visibilityState === 'visible';
      if (fromOthers) {
        // It reached this device: the sender sees "delivered".
        reportReceipt(socket, message.chatId, { deliveredSeq: message.seq });
        if (!openAndVisible) notifyNewMessage(chatsRef.current.find((c) => c.id === message.chatId), message, router);
      }
      setChats((current) => {
        const next = applyMessage(current, message, fromOthers && !openAndVisible);
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
      setChats((current) =>
        current.map((c) => (c.id === state.chatId ? { ...c, myReadSeq: state.readSeq, markedUnread: state.markedUnread, unreadCount: 0 } : c)),
      );
    };
    const onChatCreated = (chat: ChatSummaryDTO) =>
      setChats((current) => (current.some((c) => c.id === chat.id) ? current : [chat, ...current].sort(byActivity)));
    // Whatever happened while no socket listened (between the page render and the first connect, or while
    // reconnecting): re-read the list from the server.
    const onConnect = () => router.refresh();
    socket.on('message:new', onMessage);
    socket.on('chat:read', onRead);
    socket.on('chat:created', onChatCreated);
    socket.on('connect', onConnect);
    socket.on('sync:required', onConnect);
    return () => {
      socket.off('sync:required', onConnect);
      socket.off('message:new', onMessage);
      socket.off('chat:read', onRead);
      socket.off('chat:created', onChatCreated);
      socket.off('connect', onConnect);
    };
  }, [socket, router, meId, activeChatId]);

  return (
    <nav aria-label="Chat list" className="min-h-0 flex-1 overflow-y-auto">
      {chats.length === 0 ? <p className="px-4 py-6 text-sm text-muted">No chats yet. Search for someone to start one.</p> : null}
      <ul>
        {chats.map((chat) => {
          const active = chat.id === activeChatId;
          return (
            <li key={chat.id} className="group relative">
              <Link
                href={`/c/${chat.id}`}
                aria-current={active ? 'page' : undefined}
                data-testid="chat-list-item"
                className={`flex items-center gap-3 px-4 py-3 hover:bg-surface-alt ${active ? 'bg-surface-alt' : ''}`}
              >
                <Avatar name={chat.peer!.displayName} id={chat.peer!.id} />
                <span className="min-w-0 flex-1">
                  <span className="flex items-baseline justify-between gap-2">
                    <span className="truncate font-medium">{chat.peer!.displayName}</span>
                    <Time iso={chat.lastActivityAt} variant="list" className="shrink-0 text-xs text-muted" />
                  </span>
                  <span className="flex items-center gap-2">
                    <span className={`block min-w-0 flex-1 truncate text-sm ${badgeCount(chat) ? 'font-semibold text-ink' : 'text-muted'}`} data-testid="chat-preview">
                      {chat.lastMessage ? `${chat.lastMessage.senderId === meId ? 'You: ' : ''}${chat.lastMessage.body}` : 'No messages yet'}
                    </span>
                    <UnreadBadge count={badgeCount(chat)} />
                  </span>
                </span>
              </Link>
              <MarkUnreadButton chat={chat} />
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
