'use client';

import type { ChatSummaryDTO } from '@/lib/realtime/events';

// A stable colour per person, chosen from hues that keep white initials readable (WCAG AA).
const palette = ['#4f46e5', '#0f766e', '#b45309', '#be123c', '#7e22ce', '#1d4ed8', '#15803d', '#c2410c'];

function colourFor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}

function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words.at(-1)!].map((w) => Array.from(w)[0]) : Array.from(words[0] ?? '?').slice(0, 2);
  return letters.join('').toUpperCase();
}

const sizes = { sm: 'h-8 w-8 text-xs', md: 'h-10 w-10 text-sm', lg: 'h-16 w-16 text-xl' };

/**
 * Once loaded, the picture gets an opaque backdrop (a transparent one would show the initials through); one that
 * failed (offline, replaced meanwhile) steps aside for them. Until then the initials show through the empty box.
 */
function settle(image: HTMLImageElement | null) {
  if (!image?.complete) return;
  if (image.naturalWidth === 0) image.hidden = true;
  else image.style.backgroundColor = 'var(--surface)';
}

/** The picture when there is one, over the initials on their colour: those show while it loads and if it fails. */
export function Avatar({ name, id, url, size = 'md' }: { name: string; id: string; url?: string | null; size?: 'sm' | 'md' | 'lg' }) {
  const dimensions = sizes[size];
  return (
    <span
      aria-hidden="true"
      className={`relative inline-flex ${dimensions} shrink-0 items-center justify-center overflow-hidden rounded-full font-semibold text-white`}
      style={{ backgroundColor: colourFor(id) }}
    >
      {initialsOf(name)}
      {url ? (
        // Not next/image: the picture is already a 256 px WebP, and its URL needs the session cookie to answer.
        // eslint-disable-next-line @next/next/no-img-element
        <img
          key={url}
          src={url}
          alt=""
          loading="lazy"
          decoding="async"
          data-testid="avatar-image"
          className="absolute inset-0 h-full w-full object-cover"
          onLoad={(event) => settle(event.currentTarget)}
          onError={(event) => settle(event.currentTarget)}
          // Loaded or failed before hydration, it fired its event to no one: settled once mounted.
          ref={settle}
        />
      ) : null}
    </span>
  );
}

/** A 1:1 chat shows the other person; a group its own picture or initials, coloured by its id so renames keep it. */
export function ChatAvatar({ chat, size = 'md' }: { chat: Pick<ChatSummaryDTO, 'id' | 'kind' | 'title' | 'peer' | 'avatarUrl'>; size?: 'sm' | 'md' | 'lg' }) {
  if (chat.kind === 'direct' && chat.peer) return <Avatar name={chat.peer.displayName} id={chat.peer.id} url={chat.peer.avatarUrl} size={size} />;
  return <Avatar name={chat.title || '?'} id={chat.id} url={chat.avatarUrl} size={size} />;
}
