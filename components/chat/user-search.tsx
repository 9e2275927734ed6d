'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useId, useRef, useState, useTransition } from 'react';
import { searchUsers, startChat } from '@/app/(chat)/actions';
import { fail } from '@/lib/errors';
import { errorMessages } from '@/components/ui/error-messages';
import type { UserDTO } from '@/lib/realtime/events';
import { Avatar } from './avatar';

const DEBOUNCE_MS = 200;

/** People whose name or username matches `query`, asked for once typing pauses; null before any answer. */
export function useUserSearch(query: string) {
  const [results, setResults] = useState<UserDTO[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const trimmed = query.trim();
  const [prevTrimmed, setPrevTrimmed] = useState(trimmed);
  // An emptied box forgets the last answer, so it does not flash when typing starts again.
  if (prevTrimmed !== trimmed) {
    setPrevTrimmed(trimmed);
    if (!trimmed) setResults(null);
  }

  useEffect(() => {
    if (!trimmed) return;
    let cancelled = false;
    const timer = setTimeout(async () => {
      // Unreachable server: an answer like any other failure, not a crash into the error boundary.
      const result = await searchUsers(trimmed).catch(() => fail('unavailable'));
      if (cancelled) return;
      setError(result.ok ? null : errorMessages[result.error]);
      setResults(result.ok ? result.data : []);
    }, DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [trimmed]);

  return { results: trimmed ? results : null, error, setError };
}

export function UserSearch() {
  const router = useRouter();
  const resultsId = useId();
  const [query, setQuery] = useState('');
  const { results, error, setError } = useUserSearch(query);
  const [opening, startOpening] = useTransition();
  const input = useRef<HTMLInputElement>(null);
  // The installed app's "New chat" shortcut (app/manifest.ts) lands here, ready to type a name.
  const shortcut = useSearchParams().get('new');
  useEffect(() => {
    if (shortcut === 'chat') input.current?.focus();
  }, [shortcut]);

  const open = (user: UserDTO) =>
    startOpening(async () => {
      const result = await startChat(user.id).catch(() => fail('unavailable'));
      if (!result.ok) return setError(errorMessages[result.error]);
      setQuery('');
      router.push(`/c/${result.data.chatId}`);
    });

  const showResults = results !== null;
  return (
    <div className="border-b border-line px-4 py-3">
      <input
        ref={input}
        type="search"
        aria-label="Search people"
        aria-controls={resultsId}
        placeholder="Search people by name"
        value={query}
        maxLength={50}
        onChange={(event) => setQuery(event.target.value)}
        className="w-full rounded-lg border border-line bg-surface-alt px-3 py-2 text-base placeholder:text-muted"
      />
      {error ? (
        <p role="alert" className="mt-2 text-sm text-danger">
          {error}
        </p>
      ) : null}
      <div id={resultsId} aria-live="polite">
        {showResults ? (
          <PeopleFound
            people={results}
            label="People found"
            disabled={opening}
            onChoose={open}
            className="mt-2"
            listClassName="flex flex-col gap-1"
            rowClassName="py-2"
          />
        ) : null}
      </div>
    </div>
  );
}

/**
 * The people a search found, each a button with avatar, name and @username; "No one found." when none.
 * Shared by the sidebar's search (open a chat) and the group member picker (add someone).
 */
export function PeopleFound(props: {
  people: UserDTO[];
  label: string;
  disabled: boolean;
  onChoose: (user: UserDTO) => void;
  /** Spacing above the list or the empty line. */
  className?: string;
  listClassName: string;
  rowClassName: string;
}) {
  const { people, label, disabled, onChoose, className = '', listClassName, rowClassName } = props;
  if (people.length === 0) return <p className={`${className} text-sm text-muted`.trim()}>No one found.</p>;
  return (
    <ul className={`${className} ${listClassName}`.trim()} aria-label={label}>
      {people.map((user) => (
        <li key={user.id}>
          <button
            type="button"
            disabled={disabled}
            onClick={() => onChoose(user)}
            className={`flex w-full items-center gap-3 rounded-lg px-2 ${rowClassName} text-left hover:bg-surface-alt disabled:opacity-60`}
          >
            <Avatar name={user.displayName} id={user.id} url={user.avatarUrl} size="sm" />
            <span className="min-w-0">
              <span className="block truncate font-medium">{user.displayName}</span>
              <span className="block truncate text-xs text-muted">@{user.username}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
