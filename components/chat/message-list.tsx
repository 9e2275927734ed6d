'use client';

import { useLayoutEffect, useRef, useState } from 'react';
import { errorMessages } from '@/components/ui/error-messages';
import { Time } from '@/components/ui/time';
import type { MessageDTO } from '@/lib/realtime/events';
import { MessageText } from './message-text';
import type { PendingMessage } from './use-chat-room';

type Item = { key: string; senderId: string; body: string; createdAt: string; pending?: PendingMessage; seq?: number };
type Props = {
  messages: MessageDTO[];
  pending: PendingMessage[];
  meId: string;
  names: Record<string, string>;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** How far the other person got: ticks under my messages. readSeq null: receipts are off. */
  peerDeliveredSeq: number;
  peerReadSeq: number | null;
  /** The highest message number on screen or scrolled past, while the page is visible. */
  onSeen: (seq: number) => void;
};

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 300;
const GROUP_WINDOW_MS = 5 * 60_000;

/** Consecutive messages of one sender within five minutes form a group with one name. */
function groupItems(items: Item[]): Item[][] {
  const groups: Item[][] = [];
  for (const item of items) {
    const group = groups.at(-1);
    const previous = group?.at(-1);
    const sameGroup =
      previous && previous.senderId === item.senderId && Date.parse(item.createdAt) - Date.parse(previous.createdAt) < GROUP_WINDOW_MS;
    if (group && sameGroup) group.push(item);
    else groups.push([item]);
  }
  return groups;
}

export function MessageList(props: Props) {
  const { messages, pending, meId, names, hasOlder, loadingOlder, onLoadOlder, onRetry, onDiscard, onSeen } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<{ firstSeq?: number; lastKey?: string; scrollHeight: number }>({ scrollHeight: 0 });
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const [seenUpTo, setSeenUpTo] = useState(lastSeq);

  const items: Item[] = [
    ...messages.map((m) => ({ key: m.id, senderId: m.senderId, body: m.body, createdAt: m.createdAt, seq: m.seq })),
    ...pending.map((p) => ({ key: p.clientId, senderId: meId, body: p.body, createdAt: p.createdAt, pending: p })),
  ];
  const firstSeq = messages[0]?.seq;
  const lastItem = items.at(-1);
  const unseen = messages.filter((m) => m.seq > seenUpTo && m.senderId !== meId).length;

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

  useLayoutEffect(() => {
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

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
    if (atBottom.current && seenUpTo !== lastSeq) setSeenUpTo(lastSeq);
    if (element.scrollTop < NEAR_TOP_PX && hasOlder && !loadingOlder) onLoadOlder();
    reportSeen();
  };

  return (
    <div className="relative min-h-0 flex-1">
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
        <ol aria-label="Conversation" className="flex flex-col gap-3">
          {groupItems(items).map((group) => {
            const mine = group[0]!.senderId === meId;
            return (
              <li key={group[0]!.key} className={`flex flex-col gap-0.5 ${mine ? 'items-end' : 'items-start'}`}>
                <span className="px-1 text-xs font-medium text-muted">{mine ? 'You' : (names[group[0]!.senderId] ?? 'Unknown')}</span>
                <ol className={`flex w-full flex-col gap-0.5 ${mine ? 'items-end' : 'items-start'}`}>
                  {group.map((item) => (
                    <MessageBubble key={item.key} item={item} mine={mine} receipt={receiptOf(item, props)} onRetry={onRetry} onDiscard={onDiscard} />
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
      ) : null}
    </div>
  );
}

type Receipt = 'sent' | 'delivered' | 'read';

function receiptOf(item: Item, { peerDeliveredSeq, peerReadSeq }: Props): Receipt | undefined {
  if (item.seq === undefined) return undefined;
  if (peerReadSeq !== null && item.seq <= peerReadSeq) return 'read';
  return item.seq <= peerDeliveredSeq ? 'delivered' : 'sent';
}

const receiptMarks: Record<Receipt, { mark: string; label: string }> = {
  sent: { mark: '✓', label: 'Sent' },
  delivered: { mark: '✓✓', label: 'Delivered' },
  read: { mark: '✓✓', label: 'Read' },
};

type BubbleProps = { item: Item; mine: boolean; receipt?: Receipt; onRetry: (id: string) => void; onDiscard: (id: string) => void };

function MessageBubble({ item, mine, receipt, onRetry, onDiscard }: BubbleProps) {
  const status = item.pending ? item.pending.status : 'sent';
  // Still queued, but the server said it could not store it yet (or did not answer): shown, and retried.
  const notDelivered = status === 'sending' && item.pending?.error !== undefined;
  return (
    <li data-testid="message" data-status={notDelivered ? 'not-delivered' : status} data-seq={item.seq} data-receipt={mine ? receipt : undefined} className="flex max-w-[85%] flex-col sm:max-w-bubble">
      <div className={`rounded-2xl px-3.5 py-2 ${mine ? 'bg-bubble-own text-bubble-own-ink' : 'bg-bubble-other text-bubble-other-ink'} ${status === 'failed' ? 'opacity-70' : ''}`}>
        <MessageText text={item.body} />
      </div>
      <span className={`flex items-center gap-1 px-1 text-[11px] text-muted ${mine ? 'justify-end' : ''}`}>
        <Time iso={item.createdAt} />
        {mine && receipt ? (
          <span role="img" aria-label={receiptMarks[receipt].label} className={receipt === 'read' ? 'font-semibold text-accent' : ''}>
            {receiptMarks[receipt].mark}
          </span>
        ) : null}
        {status === 'sending' ? <span>{notDelivered ? 'Not delivered yet · retrying' : 'Sending…'}</span> : null}
      </span>
      {item.pending?.status === 'failed' ? (
        <span role="alert" className="flex flex-wrap items-center justify-end gap-2 px-1 text-xs text-danger">
          Not sent: {errorMessages[item.pending.error ?? 'internal']}
          <button type="button" className="font-semibold underline" onClick={() => onRetry(item.key)}>
            Retry
          </button>
          <button type="button" className="font-semibold underline" onClick={() => onDiscard(item.key)}>
            Discard
          </button>
        </span>
      ) : null}
    </li>
  );
}
