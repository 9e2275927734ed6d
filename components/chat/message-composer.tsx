'use client';

import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MESSAGE_MAX_LENGTH } from '@/lib/errors';
import { characterCount } from '@/lib/realtime/events';

const MAX_HEIGHT_PX = 200;

/** Enter sends, Shift+Enter starts a new line. The limit is enforced here and again on the server. */
export function MessageComposer({ onSend, onTyping }: { onSend: (body: string) => void; onTyping: (typing: boolean) => void }) {
  const [draft, setDraft] = useState('');
  const textarea = useRef<HTMLTextAreaElement>(null);
  const counterId = useId();
  const length = characterCount(draft);
  const tooLong = length > MESSAGE_MAX_LENGTH;
  const empty = draft.trim().length === 0;

  // Ready to type on a desktop; on a phone, focusing would throw the keyboard over the conversation.
  useEffect(() => {
    if (window.matchMedia('(min-width: 768px)').matches) textarea.current?.focus();
  }, []);

  const resize = () => {
    const element = textarea.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_HEIGHT_PX)}px`;
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (empty || tooLong) return;
    onSend(draft);
    setDraft('');
    requestAnimationFrame(resize);
    textarea.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese …) must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  return (
    <form onSubmit={submit} className="border-t border-line bg-surface px-3 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
      <div className="flex items-end gap-2">
        <textarea
          ref={textarea}
          aria-label="Message"
          aria-describedby={tooLong ? counterId : undefined}
          aria-invalid={tooLong || undefined}
          placeholder="Write a message"
          rows={1}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
            onTyping(event.target.value.trim().length > 0);
            resize();
          }}
          onBlur={() => onTyping(false)}
          onKeyDown={onKeyDown}
          className="max-h-[200px] min-h-11 flex-1 resize-none rounded-2xl border border-line bg-surface-alt px-4 py-2.5 text-base placeholder:text-muted"
        />
        <button
          type="submit"
          disabled={empty || tooLong}
          className="h-11 shrink-0 rounded-full bg-accent px-5 text-sm font-semibold text-accent-ink disabled:opacity-50"
        >
          Send
        </button>
      </div>
      {length > MESSAGE_MAX_LENGTH - 200 ? (
        <p id={counterId} role={tooLong ? 'alert' : undefined} className={`mt-1 text-right text-xs ${tooLong ? 'text-danger' : 'text-muted'}`}>
          {length.toLocaleString()} / {MESSAGE_MAX_LENGTH.toLocaleString()}
          {tooLong ? ' — too long to send' : ''}
        </p>
      ) : null}
    </form>
  );
}
