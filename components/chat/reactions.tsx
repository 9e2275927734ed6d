'use client';

import type { ReactionDTO } from '@/lib/realtime/events';

/** "You, Ana and Bo" */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

type Props = {
  reactions: ReactionDTO[];
  meId: string;
  nameOf: (userId: string) => string;
  onToggle: (emoji: string) => void;
  /** Former members see who reacted, but cannot react. */
  disabled?: boolean;
  mine: boolean;
};

/** Chips under a message: emoji and count, mine highlighted; a click adds or takes back my reaction. */
export function Reactions({ reactions, meId, nameOf, onToggle, disabled, mine }: Props) {
  if (reactions.length === 0) return null;
  return (
    <ul aria-label="Reactions" className={`-mt-1 flex flex-wrap gap-1 px-1 ${mine ? 'justify-end' : ''}`}>
      {reactions.map((reaction) => {
        const reacted = reaction.userIds.includes(meId);
        // Me first, as "You", then the others in the order they reacted.
        const who = [...(reacted ? ['You'] : []), ...reaction.userIds.filter((id) => id !== meId).map(nameOf)];
        const label = `${reaction.emoji} ${reaction.userIds.length}: ${listNames(who)}`;
        return (
          <li key={reaction.emoji}>
            <button
              type="button"
              aria-pressed={reacted}
              aria-label={label}
              title={listNames(who)}
              // Still focusable, so who reacted can be read; it just does nothing.
              aria-disabled={disabled || undefined}
              onClick={() => {
                if (!disabled) onToggle(reaction.emoji);
              }}
              className={`inline-flex h-7 items-center gap-1 rounded-full border px-2 text-sm shadow-sm ${
                reacted ? 'border-accent bg-surface-raised font-semibold text-ink ring-1 ring-accent' : 'border-line bg-surface-raised text-ink hover:bg-surface-alt'
              }`}
            >
              <span aria-hidden="true">{reaction.emoji}</span>
              <span aria-hidden="true" className="text-xs tabular-nums">
                {reaction.userIds.length}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
