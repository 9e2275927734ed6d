'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { useRealtime, type ConnectionStatus } from '@/components/realtime-provider';
import { formatLastSeen, useIsClient } from '@/components/ui/time';
import type { ChatSummaryDTO, MessageDTO, PresenceDTO, UserDTO } from '@/lib/realtime/events';
import { reportReceipt } from '@/lib/realtime/receipt-reporter';
import { Avatar } from './avatar';
import { MessageComposer } from './message-composer';
import { MessageList } from './message-list';
import { useChatRoom } from './use-chat-room';
import { usePeerState } from './use-peer-state';

type Props = { chat: ChatSummaryDTO; me: UserDTO; initialMessages: MessageDTO[]; presence: PresenceDTO };

/** Typing starts are sent at most this often while the person keeps typing. */
const TYPING_THROTTLE_MS = 2_000;

/** The connection banner waits a moment, so a normal page load or a quick reconnect does not flash it. */
function useVisibleStatus(status: ConnectionStatus, delayMs = 1500): ConnectionStatus {
  const [visible, setVisible] = useState<ConnectionStatus>('connected');
  useEffect(() => {
    const timer = setTimeout(() => setVisible(status), status === 'connected' ? 0 : delayMs);
    return () => clearTimeout(timer);
  }, [status, delayMs]);
  return visible;
}

export function ChatRoom({ chat, me, initialMessages, presence: initialPresence }: Props) {
  const { socket, status: liveStatus } = useRealtime();
  const status = useVisibleStatus(liveStatus);
  const room = useChatRoom({ chatId: chat.id, meId: me.id, initialMessages });
  const peer = usePeerState(chat, initialPresence);
  const isClient = useIsClient();
  const names = { [me.id]: me.displayName, [chat.peer!.id]: chat.peer!.displayName };
  const lastTypingStart = useRef(0);

  const onTyping = (typing: boolean) => {
    if (typing && Date.now() - lastTypingStart.current < TYPING_THROTTLE_MS) return;
    if (!typing && lastTypingStart.current === 0) return; // never said we were typing
    lastTypingStart.current = typing ? Date.now() : 0;
    socket.emit(typing ? 'typing:start' : 'typing:stop', { chatId: chat.id });
  };
  const subtitle = peer.typing
    ? `${chat.peer!.displayName} is typing…`
    : peer.presence.online
      ? 'online'
      : peer.presence.lastSeenAt && isClient
        ? formatLastSeen(peer.presence.lastSeenAt)
        : `@${chat.peer!.username}`;

  return (
    <section aria-label={`Chat with ${chat.peer!.displayName}`} className="flex h-full min-h-0 flex-col">
      <header className="flex items-center gap-3 border-b border-line px-3 py-2.5 sm:px-4">
        <Link href="/" aria-label="Back to chats" className="rounded-lg px-2 py-1 text-xl leading-none md:hidden">
          ←
        </Link>
        <Avatar name={chat.peer!.displayName} id={chat.peer!.id} />
        <div className="min-w-0">
          <h1 className="truncate font-semibold">{chat.peer!.displayName}</h1>
          <p className="truncate text-xs text-muted" data-testid="peer-status" aria-live="polite">
            {subtitle}
          </p>
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
        peerDeliveredSeq={peer.deliveredSeq}
        peerReadSeq={peer.readSeq}
        onSeen={(seq) => reportReceipt(socket, chat.id, { readSeq: seq })}
      />
      <MessageComposer
        onSend={(body) => {
          onTyping(false);
          room.send(body);
        }}
        onTyping={onTyping}
      />
    </section>
  );
}
