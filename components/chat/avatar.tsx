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

export function Avatar({ name, id, size = 'md' }: { name: string; id: string; size?: 'sm' | 'md' }) {
  const dimensions = size === 'sm' ? 'h-8 w-8 text-xs' : 'h-10 w-10 text-sm';
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
