'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { searchMessages } from '@/app/(chat)/search-actions';
import { errorMessages } from '@/components/ui/error-messages';
import { Time } from '@/components/ui/time';
import type { MessageSearchResultDTO } from '@/db/queries/search';
import { SEARCH_QUERY_MAX_LENGTH } from '@/lib/realtime/limits';
import { SearchSnippet } from './search-snippet';

const DEBOUNCE_MS = 250;

type Found = { query: string; results: MessageSearchResultDTO[]; nextCursor: string | null };

/**
 * Searches every message the person may read, newest first. Self-contained: mount it anywhere.
 * A result is a link that opens the chat at that message (/c/<chatId>?m=<seq>).
 * Keys: Escape clears; ArrowDown/ArrowUp move between the box and the results.
 */
export function MessageSearch() {
  const resultsId = useId();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [pending, setPending] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  // Only the answer to the latest request is shown: a slow earlier answer must not replace a newer one.
  const latest = useRef(0);

  const trimmed = query.trim();
  useEffect(() => {
    if (!trimmed) return;
    const request = ++latest.current;
    const timer = setTimeout(async () => {
      setPending(true);
      const result = await searchMessages({ query: trimmed }).catch(() => null);
      if (request !== latest.current) return;
      setPending(false);
      if (!result || !result.ok) {
        setError(errorMessages[result ? result.error : 'unavailable']);
        return;
      }
      setError(null);
      setFound({ query: trimmed, ...result.data });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [trimmed]);

  const clear = () => {
    latest.current++;
    setQuery('');
    setFound(null);
    setError(null);
    setPending(false);
    inputRef.current?.focus();
  };

  const loadMore = async () => {
    if (!found?.nextCursor || loadingMore) return;
    const request = latest.current;
    setLoadingMore(true);
    const result = await searchMessages({ query: found.query, cursor: found.nextCursor }).catch(() => null);
    setLoadingMore(false);
    if (request !== latest.current) return;
    if (!result || !result.ok) return setError(errorMessages[result ? result.error : 'unavailable']);
    setError(null);
    setFound({ query: found.query, results: [...found.results, ...result.data.results], nextCursor: result.data.nextCursor });
  };

  const links = () => Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>('a[data-search-result]') ?? []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      clear();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const all = links();
    if (!all.length) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    const next = event.key === 'ArrowDown' ? at + 1 : at - 1;
    if (next < 0) inputRef.current?.focus();
    else all[Math.min(next, all.length - 1)]?.focus();
  };

  const shown = trimmed && found ? found : null;
  return (
    <div className="border-b border-line px-4 py-3" onKeyDown={onKeyDown} data-testid="message-search">
      <input
        ref={inputRef}
        type="search"
        aria-label="Search messages"
        aria-controls={resultsId}
        placeholder="Search messages"
        value={query}
        maxLength={SEARCH_QUERY_MAX_LENGTH}
        onChange={(event) => {
          setQuery(event.target.value);
          if (!event.target.value.trim()) clear();
        }}
        className="w-full rounded-lg border border-line bg-surface-alt px-3 py-2 text-base placeholder:text-muted"
      />
      {error ? (
        <p role="alert" className="mt-2 text-sm text-danger">
          {error}
        </p>
      ) : null}
      <div id={resultsId} aria-live="polite" aria-busy={pending}>
        {trimmed && pending && !shown ? <p className="mt-2 text-sm text-muted">Searching…</p> : null}
        {shown && shown.results.length === 0 ? <p className="mt-2 text-sm text-muted">No messages found.</p> : null}
        {shown && shown.results.length > 0 ? (
          <>
            <ul ref={listRef} className="mt-2 flex max-h-[60vh] flex-col gap-1 overflow-y-auto" aria-label="Messages found">
              {shown.results.map((result) => (
                <li key={result.messageId}>
                  <Link
                    href={`/c/${result.chatId}?m=${result.seq}`}
                    data-search-result
                    data-testid="message-search-result"
                    className="block rounded-lg px-2 py-2 hover:bg-surface-alt focus-visible:-outline-offset-2"
                  >
                    <span className="flex items-baseline justify-between gap-2">
                      <span className="truncate text-sm font-medium">{result.chatTitle}</span>
                      <Time iso={result.createdAt} variant="list" className="shrink-0 text-xs text-muted" />
                    </span>
                    <span className="block truncate text-xs text-muted">{result.senderName}</span>
                    <SearchSnippet segments={result.snippet} className="line-clamp-2 block text-sm break-words" />
                  </Link>
                </li>
              ))}
            </ul>
            {shown.nextCursor ? (
              <button
                type="button"
                onClick={loadMore}
                disabled={loadingMore}
                className="mt-2 w-full rounded-lg px-2 py-2 text-sm font-medium text-accent hover:bg-surface-alt disabled:opacity-60"
              >
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
