'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useRealtime, type ConnectionStatus } from '@/components/realtime-provider';
import type { ChatSummaryDTO, MessageDTO, UserDTO } from '@/lib/realtime/events';
import { Avatar } from './avatar';
import { MessageComposer } from './message-composer';
import { MessageList } from './message-list';
import { useChatRoom } from './use-chat-room';

type Props = { chat: ChatSummaryDTO; me: UserDTO; initialMessages: MessageDTO[] };

/** The connection banner waits a moment, so a normal page load or a quick reconnect does not flash it. */
function useVisibleStatus(status: ConnectionStatus, delayMs = 1500): ConnectionStatus {
  const [visible, setVisible] = useState<ConnectionStatus>('connected');
  useEffect(() => {
    const timer = setTimeout(() => setVisible(status), status === 'connected' ? 0 : delayMs);
    return () => clearTimeout(timer);
  }, [status, delayMs]);
  return visible;
}

export function ChatRoom({ chat, me, initialMessages }: Props) {
  const status = useVisibleStatus(useRealtime().status);
  const room = useChatRoom({ chatId: chat.id, meId: me.id, initialMessages });
  const names = { [me.id]: me.displayName, [chat.peer.id]: chat.peer.displayName };

  return (
    <section aria-label={`Chat with ${chat.peer.displayName}`} className="flex h-full min-h-0 flex-col">
      <header className="flex items-center gap-3 border-b border-line px-3 py-2.5 sm:px-4">
        <Link href="/" aria-label="Back to chats" className="rounded-lg px-2 py-1 text-xl leading-none md:hidden">
          ←
        </Link>
        <Avatar name={chat.peer.displayName} id={chat.peer.id} />
        <div className="min-w-0">
          <h1 className="truncate font-semibold">{chat.peer.displayName}</h1>
          <p className="truncate text-xs text-muted">@{chat.peer.username}</p>
        </div>
      </header>
      {status !== 'connected' ? (
        <p role="status" className="bg-surface-alt px-4 py-1.5 text-center text-xs text-muted">
          {status === 'offline' ? 'You are offline. Messages will be sent when you are back.' : 'Connecting…'}
        </p>
      ) : null}
      <MessageList
        messages={room.messages}
        pending={room.pending}
        meId={me.id}
        names={names}
        hasOlder={room.hasOlder}
        loadingOlder={room.loadingOlder}
        onLoadOlder={room.loadOlder}
        onRetry={room.retry}
        onDiscard={room.discard}
      />
      <MessageComposer onSend={room.send} />
    </section>
  );
}
