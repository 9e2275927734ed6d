'use client';

import { useState } from 'react';
import type { MessageDTO } from '@/lib/realtime/events';
import { messageSummary } from '@/lib/realtime/messages';

/** More at once than this (a catch-up after being offline) is told as a count, not read out one by one. */
const MAX_READ_OUT = 3;
/** A screen reader reads the whole region; a long message is cut, the list still has all of it. */
const MAX_CHARS = 160;

function spoken(message: MessageDTO, nameOf: (userId: string) => string): string {
  const text = messageSummary(message);
  const body = text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
  return `${nameOf(message.senderId)}: ${body}`;
}

/**
 * What the polite live region says: messages from others numbered above the newest one this list held when it
 * mounted (the list is keyed by chat). History on load and older pages scrolled back to are below that mark, and
 * my own sends are mine: neither is read out. Derived during render (React's "adjust state on prop change"), so
 * no effect has to set state.
 */
function useNewMessageAnnouncement(messages: MessageDTO[], meId: string, nameOf: (userId: string) => string): string {
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const [state, setState] = useState({ seq: lastSeq, text: '' });
  if (lastSeq > state.seq) {
    const fresh = messages.filter((m) => m.seq > state.seq && m.senderId !== meId && m.kind === 'text' && !m.deleted);
    let text = state.text;
    if (fresh.length > MAX_READ_OUT) text = `${fresh.length} new messages. Latest: ${spoken(fresh.at(-1)!, nameOf)}`;
    else if (fresh.length > 0) text = fresh.map((m) => spoken(m, nameOf)).join('\n');
    setState({ seq: lastSeq, text });
  }
  return state.text;
}

/**
 * Always in the page, so assistive technology is listening before the first announcement; visually hidden,
 * since the message list itself shows the same thing.
 */
export function NewMessageAnnouncer({ messages, meId, nameOf }: { messages: MessageDTO[]; meId: string; nameOf: (userId: string) => string }) {
  const text = useNewMessageAnnouncement(messages, meId, nameOf);
  return (
    <p aria-live="polite" aria-atomic="true" className="sr-only whitespace-pre-line" data-testid="new-message-announcer">
      {text}
    </p>
  );
}
