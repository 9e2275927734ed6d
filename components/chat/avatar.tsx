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

export function Avatar({ name, id, size = 'md' }: { name: string; id: string; size?: 'sm' | 'md' | 'lg' }) {
  const dimensions = sizes[size];
  return (
    <span
      aria-hidden="true"
      className={`inline-flex ${dimensions} shrink-0 items-center justify-center rounded-full font-semibold text-white`}
      style={{ backgroundColor: colourFor(id) }}
    >
      {initialsOf(name)}
    </span>
  );
}

/** A 1:1 chat shows the other person; a group its own initials, coloured by the group's id so renames keep it. */
export function ChatAvatar({ chat, size = 'md' }: { chat: Pick<ChatSummaryDTO, 'id' | 'kind' | 'title' | 'peer'>; size?: 'sm' | 'md' | 'lg' }) {
  if (chat.kind === 'direct' && chat.peer) return <Avatar name={chat.peer.displayName} id={chat.peer.id} size={size} />;
  return <Avatar name={chat.title || '?'} id={chat.id} size={size} />;
}
