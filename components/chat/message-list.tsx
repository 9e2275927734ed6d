'use client';

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useIsClient } from '@/components/ui/time';
import type { MessageDTO } from '@/lib/realtime/events';
import { MessageBubble, type BubbleHandlers, type Item, type Receipt } from './message-bubble';
import { groupRows, quoteOf } from './message-rows';
import type { Mentions } from './message-text';
import { NewMessageAnnouncer } from './new-message-announcer';
import { SystemLine } from './system-line';
import type { PendingMessage } from './use-chat-room';

type Props = BubbleHandlers & {
  messages: MessageDTO[];
  pending: PendingMessage[];
  meId: string;
  /** Display names of members, former ones included; "You" is decided here. */
  nameOf: (userId: string) => string;
  /** Groups show the sender's name over each run of messages; 1:1 chats too, as before. */
  isGroup: boolean;
  mentions?: Mentions;
  canWrite: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  /** How far the others got: ticks under my messages. readSeq null: no read receipts. */
  peerDeliveredSeq: number;
  peerReadSeq: number | null;
  /** The highest message number on screen or scrolled past, while the page is visible. */
  onSeen: (seq: number) => void;
  /** Scroll to this message and highlight it briefly (a reply's quote, a search result); `at` tells repeats apart. */
  focus: { seq: number; at: number } | null;
};

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 300;
const HIGHLIGHT_MS = 2_000;

export function MessageList(props: Props) {
  const { messages, pending, meId, nameOf, isGroup, hasOlder, loadingOlder, onLoadOlder, onSeen, focus } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastScrollTop = useRef(0);
  const content = useRef<HTMLOListElement>(null);
  const previous = useRef<{ firstSeq?: number; lastKey?: string; scrollHeight: number }>({ scrollHeight: 0 });
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const [seenUpTo, setSeenUpTo] = useState(lastSeq);
  // More than a screen above the newest message (after a jump, or reading back): offer the way down.
  const [farFromBottom, setFarFromBottom] = useState(false);
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const isClient = useIsClient();

  const byId = new Map(messages.map((m) => [m.id, m]));
  const items: Item[] = [
    ...messages.map((m) => ({
      key: m.id,
      senderId: m.senderId,
      body: m.body,
      createdAt: m.createdAt,
      seq: m.seq,
      replyTo: m.replyTo ? quoteOf(byId, m.replyTo.id, m.replyTo) : null,
      message: m,
    })),
    ...pending.map((p) => ({ key: p.clientId, senderId: meId, body: p.body, createdAt: p.createdAt, replyTo: quoteOf(byId, p.replyToId, null), pending: p })),
  ];
  const firstSeq = messages[0]?.seq;
  const lastItem = items.at(-1);
  const unseen = messages.filter((m) => m.seq > seenUpTo && m.senderId !== meId && m.kind === 'text').length;

  /** Reports the newest message whose top edge is inside the view (everything before it was scrolled past). */
  const reportSeen = () => {
    const element = scroller.current;
    if (!element || document.visibilityState !== 'visible') return;
    const bottom = element.getBoundingClientRect().bottom;
    const items = element.querySelectorAll<HTMLElement>('[data-seq]');
    for (let index = items.length - 1; index >= 0; index--) {
      const item = items[index]!;
      if (item.getBoundingClientRect().top < bottom) return onSeen(Number(item.dataset.seq));
    }
  };

  const reportSeenRef = useRef(reportSeen);
  useLayoutEffect(() => {
    reportSeenRef.current = reportSeen;
    document.addEventListener('visibilitychange', reportSeen);
    return () => document.removeEventListener('visibilitychange', reportSeen);
  });

  const scrollToBottom = () => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const before = previous.current;
    if (before.firstSeq !== undefined && firstSeq !== undefined && firstSeq < before.firstSeq) {
      // Older history was prepended: keep what the person was looking at in place.
      element.scrollTop += element.scrollHeight - before.scrollHeight;
    } else if (lastItem?.key !== before.lastKey && (atBottom.current || lastItem?.senderId === meId)) {
      // Follow new messages unless the person scrolled up to read; their own always shows.
      element.scrollTop = element.scrollHeight;
      requestAnimationFrame(() => setSeenUpTo(lastSeq));
    }
    previous.current = { firstSeq, lastKey: lastItem?.key, scrollHeight: element.scrollHeight };
    // Too few messages to scroll: fetch older ones right away.
    if (hasOlder && !loadingOlder && element.scrollHeight <= element.clientHeight) onLoadOlder();
    reportSeen();
  });

  // A jump: once the message is on the page, bring it to the middle and light it up for a moment.
  const focusSeq = focus?.seq;
  const focusAt = focus?.at;
  const focusHeld = focusSeq !== undefined && messages.some((m) => m.seq === focusSeq);
  useEffect(() => {
    if (focusSeq === undefined || !focusHeld) return;
    const target = scroller.current?.querySelector<HTMLElement>(`[data-seq="${focusSeq}"]`);
    if (!target) return;
    atBottom.current = false;
    target.scrollIntoView({ block: 'center' });
    const show = requestAnimationFrame(() => setHighlighted(focusSeq));
    const hide = setTimeout(() => setHighlighted(null), HIGHLIGHT_MS);
    return () => {
      cancelAnimationFrame(show);
      clearTimeout(hide);
    };
  }, [focusSeq, focusAt, focusHeld]);

  // Content that grows by itself (times filled in after hydration, reactions, an edit) keeps a reader who
  // was at the bottom there, so the newest message stays in view and counts as seen.
  useEffect(() => {
    const element = scroller.current;
    if (!element || !content.current) return;
    const observer = new ResizeObserver(() => {
      if (!atBottom.current) return;
      element.scrollTop = element.scrollHeight;
      reportSeenRef.current();
    });
    observer.observe(content.current);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    // Only the reader scrolling up leaves the bottom; growth below them (a scroll event may report it before
    // the resize observer runs) does not.
    if (element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX) atBottom.current = true;
    else if (element.scrollTop < lastScrollTop.current) atBottom.current = false;
    lastScrollTop.current = element.scrollTop;
    if (atBottom.current && seenUpTo !== lastSeq) setSeenUpTo(lastSeq);
    const far = element.scrollHeight - element.scrollTop - element.clientHeight > element.clientHeight;
    if (far !== farFromBottom) setFarFromBottom(far);
    if (element.scrollTop < NEAR_TOP_PX && hasOlder && !loadingOlder) onLoadOlder();
    reportSeen();
  };

  return (
    <div className="relative min-h-0 flex-1">
      <NewMessageAnnouncer messages={messages} meId={meId} nameOf={nameOf} />
      <div ref={scroller} onScroll={onScroll} className="flex h-full flex-col overflow-y-auto px-3 py-4 sm:px-6" data-testid="message-scroller">
        {/* Pushes a short conversation to the bottom, next to the composer, as chat apps do. */}
        <div aria-hidden="true" className="flex-1" />
        {hasOlder ? (
          <div className="mb-4 flex justify-center">
            <button type="button" onClick={onLoadOlder} disabled={loadingOlder} className="rounded-full px-3 py-1 text-sm text-muted hover:bg-surface-alt">
              {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
            </button>
          </div>
        ) : messages.length > 0 ? (
          <p className="mb-4 text-center text-xs text-muted">This is the beginning of your conversation.</p>
        ) : null}
        <ol ref={content} aria-label="Conversation" className="flex flex-col gap-3">
          {groupRows(messages, items, isClient).map((row) => {
            if (row.kind === 'system') return <SystemLine key={row.message.id} message={row.message} meId={meId} nameOf={nameOf} />;
            if (row.kind === 'day') {
              return (
                <li key={row.key} className="sticky top-0 z-10 flex justify-center py-1">
                  <h2 className="rounded-full bg-surface-raised px-3 py-1 text-xs font-medium text-muted shadow-sm">{row.label}</h2>
                </li>
              );
            }
            const first = row.items[0]!;
            const mine = first.senderId === meId;
            // In a group, my own runs need no name: they sit on the right.
            const showName = !isGroup || !mine;
            return (
              <li key={first.key} className={`flex flex-col gap-0.5 ${mine ? 'items-end' : 'items-start'}`}>
                {showName ? <span className="px-1 text-xs font-medium text-muted">{mine ? 'You' : nameOf(first.senderId)}</span> : null}
                <ol className={`flex w-full flex-col gap-0.5 ${mine ? 'items-end' : 'items-start'}`}>
                  {row.items.map((item) => (
                    <MessageBubble
                      key={item.key}
                      {...props}
                      item={item}
                      mine={mine}
                      receipt={receiptOf(item, props)}
                      highlighted={item.seq !== undefined && item.seq === highlighted}
                    />
                  ))}
                </ol>
              </li>
            );
          })}
        </ol>
      </div>
      {unseen > 0 ? (
        <button
          type="button"
          onClick={scrollToBottom}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-accent px-4 py-2 text-sm font-semibold text-accent-ink shadow-lg"
        >
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      ) : farFromBottom ? (
        <button
          type="button"
          onClick={scrollToBottom}
          aria-label="Jump to the latest message"
          className="absolute right-4 bottom-3 flex h-10 w-10 items-center justify-center rounded-full border border-line bg-surface-raised text-lg text-ink shadow-lg"
        >
          <span aria-hidden="true">↓</span>
        </button>
      ) : null}
    </div>
  );
}

function receiptOf(item: Item, { peerDeliveredSeq, peerReadSeq }: Props): Receipt | undefined {
  if (item.seq === undefined) return undefined;
  if (peerReadSeq !== null && item.seq <= peerReadSeq) return 'read';
  return item.seq <= peerDeliveredSeq ? 'delivered' : 'sent';
}
