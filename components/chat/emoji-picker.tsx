'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { isSingleEmoji } from '@/lib/realtime/limits';

/** A small set people reach for most; any other emoji can be typed or pasted below. */
const COMMON = [
  '👍', '👎', '❤️', '😂', '😮', '😢', '🙏', '🔥',
  '🎉', '😍', '😊', '😉', '🤔', '😅', '😎', '🙌',
  '👏', '💯', '✅', '❌', '👀', '🤝', '💪', '🥳',
  '😡', '😴', '🤷', '🤦', '☕', '🍕', '🚀', '⭐',
];
const COLUMNS = 8;

/** `refocus`: closed from the keyboard, so focus goes back where it came from (not after a click elsewhere). */
type Props = { onPick: (emoji: string) => void; onClose: (refocus: boolean) => void };

/** A dialog with a grid of emoji (arrow keys move) and a field that accepts any single emoji. */
export function EmojiPicker({ onPick, onClose }: Props) {
  const grid = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const [custom, setCustom] = useState('');
  const [error, setError] = useState(false);
  const inputId = useId();

  useEffect(() => {
    grid.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, []);

  // A press anywhere else closes it, as menus do.
  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) onClose(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [onClose]);

  const onGridKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = Array.from(grid.current?.querySelectorAll<HTMLButtonElement>('button') ?? []);
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    buttons[Math.min(buttons.length - 1, Math.max(0, index + step))]?.focus();
  };

  const submitCustom = () => {
    const value = custom.trim();
    if (!isSingleEmoji(value)) return setError(true);
    onPick(value);
  };

  return (
    <div
      ref={root}
      role="dialog"
      aria-label="Choose a reaction"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose(true);
        }
      }}
      className="w-[18.5rem] max-w-[calc(100vw-2rem)] rounded-2xl border border-line bg-surface-raised p-2 text-ink shadow-xl"
    >
      <div ref={grid} role="group" aria-label="Emoji" onKeyDown={onGridKey} className="grid grid-cols-8 gap-0.5">
        {COMMON.map((emoji) => (
          <button
            key={emoji}
            type="button"
            aria-label={`React ${emoji}`}
            onClick={() => onPick(emoji)}
            className="flex h-8 w-8 items-center justify-center rounded-lg text-xl hover:bg-surface-alt focus-visible:bg-surface-alt"
          >
            {emoji}
          </button>
        ))}
      </div>
      <form
        className="mt-2 flex items-center gap-1.5 border-t border-line pt-2"
        onSubmit={(event) => {
          event.preventDefault();
          submitCustom();
        }}
      >
        <label htmlFor={inputId} className="sr-only">
          Any emoji
        </label>
        <input
          id={inputId}
          value={custom}
          placeholder="Any emoji"
          autoComplete="off"
          aria-invalid={error || undefined}
          aria-describedby={error ? `${inputId}-error` : undefined}
          onChange={(event) => {
            setCustom(event.target.value);
            setError(false);
          }}
          className="min-w-0 flex-1 rounded-lg border border-line bg-surface px-2 py-1 text-base aria-invalid:border-danger"
        />
        <button type="submit" className="rounded-lg bg-accent px-3 py-1 text-sm font-semibold text-accent-ink">
          React
        </button>
      </form>
      {error ? (
        <p id={`${inputId}-error`} role="alert" className="mt-1 text-xs text-danger">
          Type or paste exactly one emoji.
        </p>
      ) : null}
    </div>
  );
}
