'use client';

import type { MemberDTO } from '@/lib/realtime/events';
import { Avatar } from './avatar';

export const MAX_SUGGESTIONS = 6;

/** The `@query` being typed just before the caret, or null; the query may be empty right after `@`. */
export function findMentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)@([\p{L}\p{N}_]{0,32})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]! };
}

/** Members whose username or any word of their name starts with the query; username matches first. */
export function matchMembers(members: MemberDTO[], query: string): MemberDTO[] {
  const q = query.toLocaleLowerCase();
  const byUsername = members.filter((m) => m.username.startsWith(q));
  const byName = members.filter(
    (m) => !m.username.startsWith(q) && m.displayName.toLocaleLowerCase().split(/\s+/).some((word) => word.startsWith(q)),
  );
  return [...byUsername, ...byName].slice(0, MAX_SUGGESTIONS);
}

export const suggestionId = (listId: string, userId: string) => `${listId}-${userId}`;

type Props = {
  id: string;
  members: MemberDTO[];
  activeIndex: number;
  onChoose: (member: MemberDTO) => void;
  onHover: (index: number) => void;
};

/** The listbox above the composer; the textarea keeps focus and points at the active option. */
export function MentionSuggestions({ id, members, activeIndex, onChoose, onHover }: Props) {
  return (
    <ul
      id={id}
      role="listbox"
      aria-label="Mention someone"
      className="absolute right-3 bottom-full left-3 z-20 mb-1 max-h-64 overflow-y-auto rounded-2xl border border-line bg-surface-raised p-1 text-ink shadow-xl"
    >
      {members.map((member, index) => (
        <li
          key={member.id}
          id={suggestionId(id, member.id)}
          role="option"
          aria-selected={index === activeIndex}
          // Keeps focus (and the caret) in the textarea while the pointer chooses.
          onPointerDown={(event) => event.preventDefault()}
          onClick={() => onChoose(member)}
          onPointerEnter={() => onHover(index)}
          className={`flex cursor-pointer items-center gap-2 rounded-xl px-2 py-1.5 ${index === activeIndex ? 'bg-surface-alt outline-2 outline-focus' : ''}`}
        >
          <Avatar name={member.displayName} id={member.id} url={member.avatarUrl} size="sm" />
          <span className="min-w-0 truncate text-sm font-medium">{member.displayName}</span>
          <span className="min-w-0 truncate text-xs text-muted">@{member.username}</span>
        </li>
      ))}
    </ul>
  );
}
