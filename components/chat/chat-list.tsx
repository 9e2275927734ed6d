'use client';

import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import { Time } from '@/components/ui/time';
import type { ChatSummaryDTO, MessageDTO } from '@/lib/realtime/events';
import { Avatar } from './avatar';

const byActivity = (a: ChatSummaryDTO, b: ChatSummaryDTO) => b.lastActivityAt.localeCompare(a.lastActivityAt);

/** Applies a new message to the list: newer previews win, and the chat moves to the top. */
export function applyMessage(chats: ChatSummaryDTO[], message: MessageDTO): ChatSummaryDTO[] | null {
  const chat = chats.find((c) => c.id === message.chatId);
  if (!chat) return null;
  if (chat.lastMessage && chat.lastMessage.seq >= message.seq) return chats;
  const updated = { ...chat, lastMessage: message, lastActivityAt: message.createdAt };
  return [updated, ...chats.filter((c) => c.id !== chat.id)].sort(byActivity);
}

export function ChatList({ initialChats, meId }: { initialChats: ChatSummaryDTO[]; meId: string }) {
  const { socket } = useRealtime();
  const router = useRouter();
  const activeChatId = useParams<{ chatId?: string }>().chatId;
  const [chats, setChats] = useState(initialChats);
  const [prevInitial, setPrevInitial] = useState(initialChats);

  // A server refresh (after a reconnect, say) brings a fresh list: it replaces what we had.
  if (prevInitial !== initialChats) {
    setPrevInitial(initialChats);
    setChats(initialChats);
  }

  useEffect(() => {
    const onMessage = (message: MessageDTO) =>
      setChats((current) => {
        const next = applyMessage(current, message);
        if (next) return next;
        // A chat we have not heard of: fetch the list again rather than guess its details.
        queueMicrotask(() => router.refresh());
        return current;
      });
    const onChatCreated = (chat: ChatSummaryDTO) =>
      setChats((current) => (current.some((c) => c.id === chat.id) ? current : [chat, ...current].sort(byActivity)));
    // Whatever happened while no socket listened (between the page render and the first connect, or while
    // reconnecting): re-read the list from the server.
    const onConnect = () => router.refresh();
    socket.on('message:new', onMessage);
    socket.on('chat:created', onChatCreated);
    socket.on('connect', onConnect);
    socket.on('sync:required', onConnect);
    return () => {
      socket.off('sync:required', onConnect);
      socket.off('message:new', onMessage);
      socket.off('chat:created', onChatCreated);
      socket.off('connect', onConnect);
    };
  }, [socket, router]);

  return (
    <nav aria-label="Chat list" className="min-h-0 flex-1 overflow-y-auto">
      {chats.length === 0 ? <p className="px-4 py-6 text-sm text-muted">No chats yet. Search for someone to start one.</p> : null}
      <ul>
        {chats.map((chat) => {
          const active = chat.id === activeChatId;
          return (
            <li key={chat.id}>
              <Link
                href={`/c/${chat.id}`}
                aria-current={active ? 'page' : undefined}
                data-testid="chat-list-item"
                className={`flex items-center gap-3 px-4 py-3 hover:bg-surface-alt ${active ? 'bg-surface-alt' : ''}`}
              >
                <Avatar name={chat.peer.displayName} id={chat.peer.id} />
                <span className="min-w-0 flex-1">
                  <span className="flex items-baseline justify-between gap-2">
                    <span className="truncate font-medium">{chat.peer.displayName}</span>
                    <Time iso={chat.lastActivityAt} variant="list" className="shrink-0 text-xs text-muted" />
                  </span>
                  <span className="block truncate text-sm text-muted" data-testid="chat-preview">
                    {chat.lastMessage ? `${chat.lastMessage.senderId === meId ? 'You: ' : ''}${chat.lastMessage.body}` : 'No messages yet'}
                  </span>
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
