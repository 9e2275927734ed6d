import type { SnippetSegment } from '@/db/queries/search';

/** A search result's text with the matched words in <mark>: segments from the server, never parsed HTML. */
export function SearchSnippet({ segments, className }: { segments: SnippetSegment[]; className?: string }) {
  return (
    <span className={className} data-testid="search-snippet">
      {segments.map((segment, i) =>
        segment.match ? (
          <mark key={i} className="rounded-sm bg-accent/25 px-0.5 font-semibold text-ink">
            {segment.text}
          </mark>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </span>
  );
}
