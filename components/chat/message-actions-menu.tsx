'use client';

import { useEffect, useEffectEvent, useLayoutEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { QUICK_REACTIONS } from '@/lib/realtime/limits';
import type { MessageAction, MessageActionsProps } from './message-actions';

type Props = Omit<MessageActionsProps, 'open'> & {
  /** The "⋯" button: the menu sits beside it, and gives it the focus back. */
  toggle: RefObject<HTMLButtonElement | null>;
  /** Also what the offline fallback (NeedsConnection) calls. */
  onClose: () => void;
};

const item = 'flex w-full items-center gap-3 rounded-lg px-3 py-2 text-left text-sm hover:bg-surface-alt focus-visible:bg-surface-alt';

/**
 * The menu of a message's "⋯" button (message-actions.tsx): quick reactions, Reply, More reactions, Edit, Copy,
 * Delete. Arrow keys move through the items, Escape closes and gives focus back to the button. Loaded when a menu is
 * first opened.
 */
export function MessageActionsMenu({ onOpenChange, canEdit, canDelete, canWrite, mine, onReact, onAction, toggle }: Props) {
  const menu = useRef<HTMLDivElement>(null);

  // Opens above the button, or below it when the button is near the top of the conversation.
  useLayoutEffect(() => {
    const element = menu.current;
    const scroller = toggle.current?.closest('[data-testid="message-scroller"]');
    if (!element || !toggle.current) return;
    const top = scroller?.getBoundingClientRect().top ?? 0;
    element.dataset.side = toggle.current.getBoundingClientRect().top - top < element.offsetHeight + 8 ? 'below' : 'above';
  }, [toggle]);

  // Not a dependency below: the parent passes a new function on every render (a receipt arriving, say), and
  // re-running the effect would pull the focus back to the first item while someone moves through the menu.
  const closeFromOutside = useEffectEvent(() => onOpenChange(false));
  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !toggle.current?.contains(target)) closeFromOutside();
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [toggle]);

  const close = (refocus = true) => {
    onOpenChange(false);
    if (refocus) toggle.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const index = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowRight') move(index + 1);
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if (event.key === 'Tab') close(false);
  };

  const choose = (action: MessageAction) => {
    // Reply and edit move focus to the composer, so the button does not take it back.
    close(action === 'copy');
    onAction(action);
  };

  return (
    <div
      ref={menu}
      role="menu"
      aria-label="Message actions"
      onKeyDown={onKeyDown}
      className={`absolute bottom-full z-20 mb-1 w-56 data-[side=below]:top-full data-[side=below]:bottom-auto data-[side=below]:mt-1 data-[side=below]:mb-0 rounded-2xl border border-line bg-surface-raised p-1.5 text-ink shadow-xl ${mine ? 'right-0' : 'left-0'}`}
    >
      {canWrite ? (
        <div role="group" aria-label="Quick reactions" className="mb-1 flex justify-between border-b border-line pb-1.5">
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              role="menuitem"
              aria-label={`React ${emoji}`}
              onClick={() => {
                close();
                onReact(emoji);
              }}
              className="flex h-8 w-8 items-center justify-center rounded-full text-xl hover:bg-surface-alt focus-visible:bg-surface-alt"
            >
              {emoji}
            </button>
          ))}
        </div>
      ) : null}
      {canWrite ? (
        <>
          <button type="button" role="menuitem" className={item} onClick={() => choose('reply')}>
            <span aria-hidden="true">↩</span> Reply
          </button>
          <button type="button" role="menuitem" className={item} onClick={() => choose('more-reactions')}>
            <span aria-hidden="true">☺</span> More reactions…
          </button>
        </>
      ) : null}
      {canEdit ? (
        <button type="button" role="menuitem" className={item} onClick={() => choose('edit')}>
          <span aria-hidden="true">✎</span> Edit
        </button>
      ) : null}
      <button type="button" role="menuitem" className={item} onClick={() => choose('copy')}>
        <span aria-hidden="true">⧉</span> Copy
      </button>
      {canDelete ? (
        <button type="button" role="menuitem" className={`${item} text-danger`} onClick={() => choose('delete')}>
          <span aria-hidden="true">🗑</span> Delete
        </button>
      ) : null}
    </div>
  );
}
