'use client';

import { useId, useRef, useState } from 'react';
import type { UserDTO } from '@/lib/realtime/events';
import { Avatar } from './avatar';
import { PeopleFound, useUserSearch } from './user-search';

/**
 * Picks several people by search: the chosen ones sit above the box as chips (each with its own "Remove"
 * button); results leave out who is chosen already and `excludeIds` (the group's members).
 */
export function UserPicker({
  selected,
  onChange,
  excludeIds = [],
  label = 'Search people to add',
  disabled = false,
}: {
  selected: UserDTO[];
  onChange: (next: UserDTO[]) => void;
  excludeIds?: string[];
  label?: string;
  disabled?: boolean;
}) {
  const inputId = useId();
  const resultsId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const { results, error } = useUserSearch(query);
  const hidden = new Set([...excludeIds, ...selected.map((user) => user.id)]);
  const shown = results?.filter((user) => !hidden.has(user.id)) ?? null;

  const add = (user: UserDTO) => {
    onChange([...selected, user]);
    setQuery('');
    inputRef.current?.focus();
  };
  const remove = (user: UserDTO) => {
    onChange(selected.filter((other) => other.id !== user.id));
    // The chip (and the button that had focus) is gone: keep the keyboard user in the picker.
    inputRef.current?.focus();
  };

  return (
    <div className="flex flex-col gap-2">
      {selected.length > 0 ? (
        <ul aria-label="Selected people" className="flex flex-wrap gap-1.5">
          {selected.map((user) => (
            <li key={user.id} className="flex items-center gap-1 rounded-full bg-surface-alt py-0.5 pr-1 pl-0.5 text-sm">
              <Avatar name={user.displayName} id={user.id} url={user.avatarUrl} size="sm" />
              <span className="max-w-40 truncate">{user.displayName}</span>
              <button
                type="button"
                aria-label={`Remove ${user.displayName}`}
                disabled={disabled}
                onClick={() => remove(user)}
                className="rounded-full px-1.5 text-base leading-none text-muted hover:bg-line hover:text-ink"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label htmlFor={inputId} className="text-sm font-medium">
        {label}
      </label>
      <input
        ref={inputRef}
        id={inputId}
        type="search"
        aria-controls={resultsId}
        placeholder="Name or username"
        value={query}
        maxLength={50}
        disabled={disabled}
        autoComplete="off"
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          // Enter picks the first match instead of submitting the surrounding form.
          if (event.key !== 'Enter') return;
          event.preventDefault();
          if (shown?.[0]) add(shown[0]);
        }}
        className="w-full rounded-lg border border-line bg-surface-alt px-3 py-2 text-base placeholder:text-muted"
      />
      {error ? (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      ) : null}
      <div id={resultsId} aria-live="polite">
        {shown ? (
          <PeopleFound
            people={shown}
            label="People to add"
            disabled={disabled}
            onChoose={add}
            listClassName="flex max-h-56 flex-col gap-1 overflow-y-auto"
            rowClassName="py-1.5"
          />
        ) : null}
      </div>
    </div>
  );
}
