'use client';

import type { useRouter } from 'next/navigation';
import { useEffect, useTransition } from 'react';
import { markUnread } from '@/app/(chat)/actions';
import { isPushDevice } from '@/lib/push/device';
import type { ChatSummaryDTO, MessageDTO } from '@/lib/realtime/events';
import { messageSummary } from '@/lib/realtime/messages';

/** True while notifications of the chat are off ("always" is a far-future time). */
export function isMuted(chat: Pick<ChatSummaryDTO, 'mutedUntil'>, now = Date.now()): boolean {
  return chat.mutedUntil !== null && Date.parse(chat.mutedUntil) > now;
}

/** The unread count; grey in a muted chat (it still counts, it just does not call for attention). */
export function UnreadBadge({ count, muted = false }: { count: number; muted?: boolean }) {
  if (count === 0) return null;
  return (
    <span
      data-testid="unread-badge"
      data-muted={muted ? 'true' : undefined}
      aria-label={count === 1 ? '1 unread message' : `${count} unread messages`}
      className={`inline-flex min-w-5 shrink-0 items-center justify-center rounded-full px-1.5 text-xs font-semibold ${
        muted ? 'bg-muted text-surface' : 'bg-accent text-accent-ink'
      }`}
    >
      {count > 99 ? '99+' : count}
    </span>
  );
}

/** "@": someone mentioned me in a message I have not read (shown even in a muted chat, which it notifies). */
export function MentionBadge({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <span
      data-testid="mention-badge"
      aria-label={count === 1 ? '1 unread mention' : `${count} unread mentions`}
      className="inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-accent text-xs font-bold text-accent-ink"
    >
      @
    </span>
  );
}

/** A bell with a stroke through it. */
export function MutedIcon({ className = 'h-4 w-4' }: { className?: string }) {
  return (
    <svg role="img" aria-label="Muted" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className={`shrink-0 text-muted ${className}`}>
      <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      <path d="M18.6 13A17.9 17.9 0 0 1 18 8" />
      <path d="M6.3 6.3A5.9 5.9 0 0 0 6 8c0 7-3 9-3 9h14" />
      <path d="M18 8a6 6 0 0 0-9.3-5" />
      <path d="m2 2 20 20" />
    </svg>
  );
}

export function MarkUnreadButton({ chat }: { chat: ChatSummaryDTO }) {
  const [pending, start] = useTransition();
  if (chat.unreadCount > 0 || chat.markedUnread || !chat.lastMessage) return null;
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => start(async () => void (await markUnread(chat.id)))}
      className="absolute top-1 right-2 min-h-6 rounded px-1.5 text-[11px] text-muted opacity-0 group-hover:opacity-100 hover:bg-surface-alt focus-visible:opacity-100"
    >
      Mark as unread
    </button>
  );
}

/** "(3) Parley" in the tab, and the installed app's badge where the platform has one. */
export function useUnreadTitleAndBadge(total: number) {
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(/^\(\d+\) /, '');
      const next = total > 0 ? `(${total}) ${base}` : base;
      if (document.title !== next) document.title = next;
    };
    apply();
    // Next sets the title again on navigation: put the count back in front.
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    if ('setAppBadge' in navigator) void (total > 0 ? navigator.setAppBadge(total) : navigator.clearAppBadge()).catch(() => {});
    return () => observer.disconnect();
  }, [total]);
}

/**
 * A system notification for someone else's message in a chat that is not open and visible, once allowed.
 * A muted chat stays silent, except for a message that mentions me. Groups say who wrote: "Ana in Trip".
 */
export function notifyNewMessage(
  chat: ChatSummaryDTO | undefined,
  message: MessageDTO,
  router: ReturnType<typeof useRouter>,
  { meId, senderName }: { meId: string; senderName?: string },
) {
  if (!chat || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  // A system line ("Ana added Bo") is shown in the list, never as a notification.
  if (message.kind !== 'text') return;
  if (isMuted(chat) && !message.mentionIds.includes(meId)) return;
  // A hidden tab on a device with push on: the server's push says it (honouring private previews), once.
  if (document.visibilityState === 'hidden' && isPushDevice()) return;
  const title = chat.kind === 'group' && senderName ? `${senderName} in ${chat.title}` : chat.title;
  const notification = new Notification(title, { body: messageSummary(message).slice(0, 140), tag: chat.id });
  notification.onclick = () => {
    window.focus();
    router.push(`/c/${chat.id}`);
    notification.close();
  };
}
