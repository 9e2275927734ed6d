'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { useRealtime, type ConnectionStatus } from '@/components/realtime-provider';
import { errorMessages } from '@/components/ui/error-messages';
import { formatLastSeen, useIsClient } from '@/components/ui/time';
import { draftKey } from '@/lib/offline/drafts';
import type { ChatSummaryDTO, MemberDTO, MessageDTO, PresenceDTO, UserDTO } from '@/lib/realtime/events';
import { EDIT_WINDOW_MS } from '@/lib/realtime/limits';
import { reportReceipt } from '@/lib/realtime/receipt-reporter';
import { ChatHeader, useLiveChat } from './chat-header';
import { MessageComposer } from './message-composer';
import { MessageList } from './message-list';
import { useChatMembers } from './use-chat-members';
import { useChatRoom } from './use-chat-room';
import { useGroupReceipts } from './use-group-receipts';
import { usePeerState } from './use-peer-state';

type Props = {
  chat: ChatSummaryDTO;
  me: UserDTO;
  initialMessages: MessageDTO[];
  initialMembers: MemberDTO[];
  /** The other person's presence in a 1:1 chat; null for groups. */
  presence: PresenceDTO | null;
  /** Open at this message (a search result). */
  focusSeq: number | null;
};

/** Typing starts are sent at most this often while the person keeps typing. */
const TYPING_THROTTLE_MS = 2_000;
const NOTICE_MS = 4_000;

/** The connection banner waits a moment, so a normal page load or a quick reconnect does not flash it. */
function useVisibleStatus(status: ConnectionStatus, delayMs = 1500): ConnectionStatus {
  const [visible, setVisible] = useState<ConnectionStatus>('connected');
  useEffect(() => {
    const timer = setTimeout(() => setVisible(status), status === 'connected' ? 0 : delayMs);
    return () => clearTimeout(timer);
  }, [status, delayMs]);
  return visible;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API outside secure contexts (plain http on a LAN address): the older way still works.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

export function ChatRoom({ chat: renderedChat, me, initialMessages, initialMembers, presence: initialPresence, focusSeq }: Props) {
  const { socket, status: liveStatus } = useRealtime();
  const status = useVisibleStatus(liveStatus);
  const chat = useLiveChat(renderedChat);
  const room = useChatRoom({ chatId: chat.id, meId: me.id, initialMessages });
  const members = useChatMembers(chat.id, initialMembers);
  const peer = usePeerState(chat, initialPresence, me.id);
  const groupPositions = useGroupReceipts(chat.id, members, me.id);
  const isClient = useIsClient();
  const isGroup = chat.kind === 'group';
  const canWrite = chat.active;
  const [replyToId, setReplyToId] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  // The held copies, so an edit or deletion meanwhile shows in the composer too; a deleted message is not edited.
  const replyTo = (replyToId && room.messages.find((m) => m.id === replyToId)) || null;
  const found = editingId ? room.messages.find((m) => m.id === editingId) : undefined;
  const editing = found && !found.deleted ? found : null;
  const [focus, setFocus] = useState<{ seq: number; at: number } | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean; at: number } | null>(null);
  const [lastTypingStart, setLastTypingStart] = useState(0);

  const byId = useMemo(() => new Map(members.map((member) => [member.id, member])), [members]);
  const nameOf = useCallback(
    (userId: string) => {
      if (userId === me.id) return 'You';
      return byId.get(userId)?.displayName ?? (chat.peer?.id === userId ? chat.peer.displayName : 'Unknown');
    },
    [byId, me.id, chat.peer],
  );
  const mentions = useMemo(
    () => (isGroup ? { usernames: new Set(members.map((member) => member.username)), mine: me.username } : undefined),
    [isGroup, members, me.username],
  );
  const mentionCandidates = useMemo(
    () => (isGroup ? members.filter((member) => member.active && member.id !== me.id) : null),
    [isGroup, members, me.id],
  );

  const say = useCallback((text: string, error = false) => setNotice({ text, error, at: Date.now() }), []);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const { loadUntil } = room;
  /** Brings a message into view, loading older history first when it is not on the page yet. */
  const jumpTo = useCallback(
    (seq: number) =>
      void loadUntil(seq).then((found) => {
        if (found) setFocus({ seq, at: Date.now() });
        else say('That message is not available.', true);
      }),
    [loadUntil, say],
  );
  // A search result (?m=) opens here; a second result in the same chat jumps again.
  useEffect(() => {
    if (focusSeq !== null) jumpTo(focusSeq);
  }, [focusSeq, jumpTo]);

  const onTyping = (typing: boolean) => {
    if (!canWrite) return;
    if (typing && Date.now() - lastTypingStart < TYPING_THROTTLE_MS) return;
    if (!typing && lastTypingStart === 0) return; // never said we were typing
    setLastTypingStart(typing ? Date.now() : 0);
    socket.emit(typing ? 'typing:start' : 'typing:stop', { chatId: chat.id });
  };

  const typingNames = peer.typingIds.map(nameOf);
  const subtitle =
    typingNames.length === 1
      ? `${typingNames[0]} is typing…`
      : typingNames.length > 1
        ? `${typingNames.length} people are typing…`
        : isGroup || !chat.peer
          ? chat.memberCount === 1
            ? '1 member'
            : `${chat.memberCount} members`
          : peer.presence.online
            ? 'online'
            : peer.presence.lastSeenAt && isClient
              ? formatLastSeen(peer.presence.lastSeenAt)
              : `@${chat.peer.username}`;
  const positions = isGroup ? groupPositions : { deliveredSeq: peer.deliveredSeq, readSeq: peer.readSeq };

  return (
    <section aria-label={`Chat with ${chat.title}`} className="flex h-full min-h-0 flex-col">
      <ChatHeader chat={chat} me={me} members={members} subtitle={subtitle} />
      {status !== 'connected' ? (
        <p role="status" className="bg-surface-alt px-4 py-1.5 text-center text-xs text-muted">
          {status === 'offline' ? 'You are offline. Messages will be sent when you are back.' : 'Connecting…'}
        </p>
      ) : null}
      <MessageList
        messages={room.messages}
        pending={room.pending}
        meId={me.id}
        nameOf={nameOf}
        isGroup={isGroup}
        mentions={mentions}
        canWrite={canWrite}
        hasOlder={room.hasOlder}
        loadingOlder={room.loadingOlder}
        onLoadOlder={room.loadOlder}
        onRetry={room.retry}
        onDiscard={room.discard}
        peerDeliveredSeq={positions.deliveredSeq}
        peerReadSeq={positions.readSeq}
        onSeen={(seq) => {
          if (canWrite) reportReceipt(socket, chat.id, { readSeq: seq });
        }}
        focus={focus}
        onJump={jumpTo}
        onReply={(message) => {
          setEditingId(null);
          setReplyToId(message.id);
        }}
        onEdit={(message) => {
          setReplyToId(null);
          setEditingId(message.id);
        }}
        onDelete={async (message) => {
          const result = await room.remove(message.id);
          if (!result.ok) say(errorMessages[result.error], true);
        }}
        onReact={async (message, emoji) => {
          const result = await room.toggleReaction(message.id, emoji);
          if (!result.ok) say(errorMessages[result.error], true);
        }}
        onCopy={async (text) => say((await copyText(text)) ? 'Copied.' : 'Could not copy.', false)}
      />
      {notice ? (
        <p key={notice.at} role={notice.error ? 'alert' : 'status'} className={`px-4 py-1.5 text-center text-sm ${notice.error ? 'text-danger' : 'text-muted'}`}>
          {notice.text}
        </p>
      ) : null}
      {canWrite ? (
        <MessageComposer
          draftKey={draftKey(me.id, chat.id)}
          chatId={chat.id}
          onSend={(body, attachments) => {
            onTyping(false);
            room.send(body, replyTo?.id, attachments);
            setReplyToId(null);
          }}
          onTyping={onTyping}
          replyTo={replyTo ? { id: replyTo.id, name: nameOf(replyTo.senderId), text: replyTo.deleted ? 'This message was deleted' : replyTo.body } : null}
          onCancelReply={() => setReplyToId(null)}
          editing={editing ? { id: editing.id, body: editing.body } : null}
          onSaveEdit={async (body) => {
            if (!editing) return false;
            const result = await room.edit(editing.id, body);
            if (!result.ok) say(errorMessages[result.error], true);
            return result.ok;
          }}
          onCancelEdit={() => setEditingId(null)}
          mentionCandidates={mentionCandidates}
          onEditLast={() => {
            const last = room.messages.findLast((m) => m.senderId === me.id && m.kind === 'text' && !m.deleted);
            if (last && Date.now() - Date.parse(last.createdAt) < EDIT_WINDOW_MS) {
              setReplyToId(null);
              setEditingId(last.id);
            }
          }}
        />
      ) : (
        <p className="border-t border-line bg-surface-alt px-4 py-4 pb-[max(1rem,env(safe-area-inset-bottom))] text-center text-sm text-muted">
          You are no longer a member of this group
        </p>
      )}
    </section>
  );
}
