'use client';

import type { useRouter } from 'next/navigation';
import { useEffect, useTransition } from 'react';
import { markUnread } from '@/app/(chat)/actions';
import type { ChatSummaryDTO, MessageDTO } from '@/lib/realtime/events';

export function UnreadBadge({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <span
      data-testid="unread-badge"
      aria-label={count === 1 ? '1 unread message' : `${count} unread messages`}
      className="inline-flex min-w-5 shrink-0 items-center justify-center rounded-full bg-accent px-1.5 text-xs font-semibold text-accent-ink"
    >
      {count > 99 ? '99+' : count}
    </span>
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
      className="absolute top-1 right-2 rounded px-1.5 py-0.5 text-[11px] text-muted opacity-0 group-hover:opacity-100 hover:bg-surface-alt focus-visible:opacity-100"
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

/** A system notification for someone else's message in a chat that is not open and visible, once allowed. */
export function notifyNewMessage(chat: ChatSummaryDTO | undefined, message: MessageDTO, router: ReturnType<typeof useRouter>) {
  if (!chat || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const notification = new Notification(chat.peer!.displayName, { body: message.body.slice(0, 140), tag: chat.id });
  notification.onclick = () => {
    window.focus();
    router.push(`/c/${chat.id}`);
    notification.close();
  };
}
