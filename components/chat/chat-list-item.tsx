'use client';

import Link from 'next/link';
import { Time } from '@/components/ui/time';
import type { ChatSummaryDTO } from '@/lib/realtime/events';
import { ChatAvatar } from './avatar';
import { badgeCount } from './chat-list-state';
import { previewOf, type NameOf } from './system-event-text';
import { MarkUnreadButton, MentionBadge, MutedIcon, UnreadBadge, isMuted } from './unread';

/** One row: avatar, name and time; the last message ("Ana: hi" in groups) and the badges. */
export function ChatListItem({ chat, active, meId, nameOf }: { chat: ChatSummaryDTO; active: boolean; meId: string; nameOf: NameOf }) {
  const count = badgeCount(chat);
  const muted = isMuted(chat);
  const preview = previewOf(chat.lastMessage, { meId, isGroup: chat.kind === 'group', nameOf });
  return (
    <li className="group relative">
      <Link
        href={`/c/${chat.id}`}
        aria-current={active ? 'page' : undefined}
        data-testid="chat-list-item"
        data-chat-kind={chat.kind}
        className={`flex items-center gap-3 px-4 py-3 hover:bg-surface-alt focus-visible:-outline-offset-2 ${active ? 'bg-surface-alt' : ''}`}
      >
        <ChatAvatar chat={chat} />
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className="flex min-w-0 items-baseline gap-1.5">
              <span className="truncate font-medium">{chat.title}</span>
              {chat.kind === 'group' ? <MemberCount count={chat.memberCount} /> : null}
            </span>
            <Time iso={chat.lastActivityAt} variant="list" className="shrink-0 text-xs text-muted" />
          </span>
          <span className="flex items-center gap-2">
            <span
              className={`block min-w-0 flex-1 truncate text-sm ${count && !muted ? 'font-semibold text-ink' : 'text-muted'} ${
                chat.lastMessage?.deleted || chat.lastMessage?.kind === 'system' ? 'italic' : ''
              }`}
              data-testid="chat-preview"
            >
              {preview}
            </span>
            {muted ? <MutedIcon /> : null}
            <MentionBadge count={chat.unreadMentionCount} />
            <UnreadBadge count={count} muted={muted} />
          </span>
        </span>
      </Link>
      <MarkUnreadButton chat={chat} />
    </li>
  );
}

/** A small people icon and the number of current members, beside a group's name. */
function MemberCount({ count }: { count: number }) {
  const label = count === 1 ? '1 member' : `${count} members`;
  return (
    <span data-testid="member-count" role="img" aria-label={label} title={label} className="inline-flex shrink-0 items-center gap-0.5 text-xs text-muted">
      <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="h-3.5 w-3.5 self-center">
        <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2" />
        <circle cx="9" cy="7" r="4" />
        <path d="M22 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8" />
      </svg>
      {count}
    </span>
  );
}
