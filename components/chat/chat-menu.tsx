'use client';

import { useEffect, useId, useRef, useState, useTransition, type KeyboardEvent } from 'react';
import { setChatArchived, setChatMute } from '@/app/(chat)/actions';
import { errorMessages } from '@/components/ui/error-messages';
import { fail, type Result } from '@/lib/errors';
import type { ChatSummaryDTO } from '@/lib/realtime/events';
import { isMuted } from './unread';

type MuteDuration = '8h' | '1w' | 'always' | 'off';

const MUTE_CHOICES: Array<{ duration: MuteDuration; label: string }> = [
  { duration: '8h', label: 'Mute for 8 hours' },
  { duration: '1w', label: 'Mute for 1 week' },
  { duration: 'always', label: 'Mute always' },
];

const untilFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** "Muted always", or until when. */
function mutedLabel(mutedUntil: string): string {
  const until = new Date(mutedUntil);
  return until.getUTCFullYear() >= 9999 ? 'Muted always' : `Muted until ${untilFormat.format(until)}`;
}

/**
 * The header's "⋮" menu (WAI-ARIA menu button): Enter, Space or ↓ open it on the first item, ↑ on the last;
 * ↑/↓/Home/End move, Escape or Tab close it and focus returns to the button.
 */
export function ChatMenu({ chat, onGroupInfo, onError }: { chat: ChatSummaryDTO; onGroupInfo: () => void; onError: (message: string | null) => void }) {
  const menuId = useId();
  const mutedId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  const [pending, start] = useTransition();
  const muted = isMuted(chat);

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const list = items();
    (open === 'last' ? list.at(-1) : list[0])?.focus();
    // A press anywhere else closes it, as menus do.
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const onMenuKeyDown = (event: KeyboardEvent) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLElement);
    const moves: Record<string, number | undefined> = {
      ArrowDown: (index + 1) % list.length,
      ArrowUp: (index - 1 + list.length) % list.length,
      Home: 0,
      End: list.length - 1,
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      list[next]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      close(false);
    }
  };

  const run = (work: () => Promise<Result<null>>) => {
    close();
    onError(null);
    start(async () => {
      // Unreachable server (offline, restarting): say so here; thrown, it would end in the error boundary.
      const result = await work().catch(() => fail('unavailable'));
      // Success shows itself: the server answers with 'chat:updated' to every tab of mine.
      if (!result.ok) onError(errorMessages[result.error]);
    });
  };

  const item = 'flex w-full flex-col items-start px-4 py-2 text-left text-sm hover:bg-surface-alt focus:bg-surface-alt focus-visible:-outline-offset-2';
  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-label="Chat menu"
        aria-haspopup="menu"
        aria-expanded={open ? true : false}
        aria-controls={open ? menuId : undefined}
        // Not disabled while a choice is saved: a disabled button would drop the keyboard focus.
        aria-busy={pending || undefined}
        onClick={() => (open ? close() : setOpen('first'))}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            setOpen(event.key === 'ArrowDown' ? 'first' : 'last');
          }
        }}
        className="rounded-lg px-2.5 py-1.5 text-xl leading-none text-muted hover:bg-surface-alt hover:text-ink aria-busy:opacity-60"
      >
        <span aria-hidden="true">⋮</span>
      </button>
      {open ? (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label="Chat menu"
          onKeyDown={onMenuKeyDown}
          className="absolute top-full right-0 z-20 mt-1 w-56 rounded-xl border border-line bg-surface-raised py-1 shadow-lg"
        >
          {chat.kind === 'group' ? (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={item}
              onClick={() => {
                close(false);
                onGroupInfo();
              }}
            >
              Group info
            </button>
          ) : null}
          {muted ? (
            <button type="button" role="menuitem" tabIndex={-1} aria-describedby={mutedId} className={item} onClick={() => run(() => setChatMute({ chatId: chat.id, duration: 'off' }))}>
              Unmute
              <span id={mutedId} className="text-xs text-muted">
                {mutedLabel(chat.mutedUntil!)}
              </span>
            </button>
          ) : (
            <div role="group" aria-label="Mute notifications" className="border-y border-line py-1">
              {MUTE_CHOICES.map(({ duration, label }) => (
                <button key={duration} type="button" role="menuitem" tabIndex={-1} className={item} onClick={() => run(() => setChatMute({ chatId: chat.id, duration }))}>
                  {label}
                </button>
              ))}
            </div>
          )}
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={item}
            onClick={() => run(() => setChatArchived({ chatId: chat.id, archived: !chat.archived }))}
          >
            {chat.archived ? 'Unarchive' : 'Archive'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
