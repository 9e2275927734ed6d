'use client';

import dynamic from 'next/dynamic';
import { NeedsConnection } from '@/components/ui/needs-connection';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { useRealtime } from '@/components/realtime-provider';
import type { ChatSummaryDTO, MemberDTO, MessageDTO, UserDTO } from '@/lib/realtime/events';
import { ChatAvatar } from './avatar';
import { ChatMenu } from './chat-menu';
import { MutedIcon, isMuted } from './unread';

// Opened now and then, in groups only: fetched on first open, not shipped with every chat page (first-load JS budget).
// Offline, group info never opened while online is not on the device: NeedsConnection says so instead of crashing.
const GroupInfo = dynamic(() => import('./group-info').then((module) => module.GroupInfo, () => NeedsConnection));

/**
 * The chat as it is now: the page's copy, replaced by every 'chat:updated' for it (renamed, muted, archived,
 * my role, or I left or was removed), and out of the archive once a newer message arrives.
 */
export function useLiveChat(initial: ChatSummaryDTO): ChatSummaryDTO {
  const { socket } = useRealtime();
  const [chat, setChat] = useState(initial);
  const [prev, setPrev] = useState(initial);
  if (prev !== initial) {
    setPrev(initial);
    setChat(initial);
  }
  useEffect(() => {
    const onUpdated = (next: ChatSummaryDTO) => {
      if (next.id === initial.id) setChat(next);
    };
    const onMessage = (message: MessageDTO) => {
      if (message.chatId === initial.id) setChat((current) => (current.archived ? { ...current, archived: false } : current));
    };
    socket.on('chat:updated', onUpdated);
    // Added back to a group I had left: it arrives as a new chat.
    socket.on('chat:created', onUpdated);
    socket.on('message:new', onMessage);
    return () => {
      socket.off('chat:updated', onUpdated);
      socket.off('chat:created', onUpdated);
      socket.off('message:new', onMessage);
    };
  }, [socket, initial.id]);
  return chat;
}

type Props = { chat: ChatSummaryDTO; me: UserDTO; members: MemberDTO[]; subtitle: string };

/** Back link (phones), avatar, name, the line under it (given by the room), and the chat menu. */
export function ChatHeader({ chat: initialChat, me, members, subtitle }: Props) {
  const chat = useLiveChat(initialChat);
  const [infoOpen, setInfoOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const menuAnchor = useRef<HTMLDivElement>(null);
  const formerMember = chat.kind === 'group' && !chat.active;

  return (
    <>
      <header className="flex items-center gap-3 border-b border-line px-3 py-2.5 sm:px-4">
        <Link href="/" aria-label="Back to chats" className="rounded-lg px-2 py-1 text-xl leading-none md:hidden">
          ←
        </Link>
        <ChatAvatar chat={chat} />
        <div className="min-w-0 flex-1">
          <h1 className="flex items-center gap-1.5 font-semibold">
            <span className="min-w-0 [overflow-wrap:anywhere]">{chat.title}</span>
            {isMuted(chat) ? <MutedIcon className="h-3.5 w-3.5" /> : null}
          </h1>
          <p className="text-xs text-muted [overflow-wrap:anywhere]" data-testid="peer-status" aria-live="polite">
            {formerMember ? 'You are no longer a member' : subtitle}
          </p>
        </div>
        <div ref={menuAnchor}>
          <ChatMenu chat={chat} onGroupInfo={() => setInfoOpen(true)} onError={setError} />
        </div>
      </header>
      {error ? (
        <p role="alert" className="border-b border-line bg-surface-alt px-4 py-1.5 text-center text-sm text-danger">
          {error}
        </p>
      ) : null}
      {infoOpen && chat.kind === 'group' ? (
        <GroupInfo
          chat={chat}
          me={me}
          members={members}
          onClose={() => setInfoOpen(false)}
          // The menu item that opened it is gone by now: focus goes back to the menu button.
          returnFocusTo={() => menuAnchor.current?.querySelector('button')}
        />
      ) : null}
    </>
  );
}
