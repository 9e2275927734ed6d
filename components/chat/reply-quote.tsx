'use client';

import type { ReplyPreviewDTO } from '@/lib/realtime/events';

/** The quoted original inside a reply; a click jumps to it. Deleted originals say so. */
export function ReplyQuote({ reply, name, mine, onJump }: { reply: ReplyPreviewDTO; name: string; mine: boolean; onJump: (seq: number) => void }) {
  return (
    <button
      type="button"
      onClick={() => onJump(reply.seq)}
      aria-label={`Reply to ${name}: ${reply.deleted ? 'This message was deleted' : reply.snippet}. Show the original`}
      data-testid="reply-quote"
      className={`mb-1 flex w-full min-w-0 flex-col rounded-lg border-l-4 px-2 py-1 text-left text-sm ${
        mine ? 'border-bubble-own-ink/70 bg-black/15' : 'border-accent bg-black/5'
      }`}
    >
      <span className="truncate text-xs font-semibold">{name}</span>
      <span className={`line-clamp-2 [overflow-wrap:anywhere] ${reply.deleted ? 'italic opacity-80' : 'opacity-90'}`}>
        {reply.deleted ? 'This message was deleted' : reply.snippet}
      </span>
    </button>
  );
}

/** Above the composer while replying or editing: what it is about, and × to cancel. */
export function ComposerContext({
  label,
  title,
  text,
  onCancel,
}: {
  label: string;
  title: string;
  text: string;
  onCancel: () => void;
}) {
  return (
    <div role="group" aria-label={label} className="mb-2 flex items-center gap-2 rounded-xl border-l-4 border-accent bg-surface-alt px-3 py-1.5">
      <div className="min-w-0 flex-1">
        <p className="truncate text-xs font-semibold text-accent">{title}</p>
        <p className="truncate text-sm text-muted">{text}</p>
      </div>
      <button type="button" onClick={onCancel} aria-label={`Cancel ${label.toLowerCase()}`} className="h-8 w-8 shrink-0 rounded-full text-lg text-muted hover:bg-surface">
        ×
      </button>
    </div>
  );
}
