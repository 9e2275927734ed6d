'use client';

import type { MemberDTO } from '@/lib/realtime/events';
import { Avatar } from './avatar';

/** Me first, then admins, then everyone else by name. */
function ordered(members: MemberDTO[], meId: string): MemberDTO[] {
  const rank = (member: MemberDTO) => (member.id === meId ? 0 : member.role === 'admin' ? 1 : 2);
  return [...members].sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName));
}

/** The current members with their roles; admins (canManage) get "Make admin" and "Remove" beside the others. */
export function GroupMemberList({
  members,
  meId,
  canManage,
  pending,
  onMakeAdmin,
  onRemove,
}: {
  members: MemberDTO[];
  meId: string;
  canManage: boolean;
  pending: boolean;
  onMakeAdmin: (member: MemberDTO) => void;
  onRemove: (member: MemberDTO) => void;
}) {
  const action = 'rounded-lg px-2 py-1 text-xs font-medium hover:bg-surface-alt disabled:opacity-60';
  return (
    <div className="flex flex-col gap-1">
      <h3 className="text-sm font-semibold text-muted" aria-hidden="true">
        Members
      </h3>
      <ul aria-label="Members" className="flex flex-col">
        {ordered(members, meId).map((member) => {
          const isMe = member.id === meId;
          return (
            <li key={member.id} data-testid="group-member" className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
              <Avatar name={member.displayName} id={member.id} url={member.avatarUrl} size="sm" />
              <span className="min-w-0 flex-1">
                <span className="block truncate font-medium">{isMe ? `${member.displayName} (You)` : member.displayName}</span>
                <span className="block truncate text-xs text-muted">@{member.username}</span>
              </span>
              {member.role === 'admin' ? (
                <span className="rounded-full border border-line px-2 py-0.5 text-xs text-muted" data-testid="member-role">
                  admin
                </span>
              ) : null}
              {canManage && !isMe ? (
                <span className="flex gap-1">
                  {member.role !== 'admin' ? (
                    <button type="button" disabled={pending} aria-label={`Make admin: ${member.displayName}`} onClick={() => onMakeAdmin(member)} className={`${action} text-accent`}>
                      Make admin
                    </button>
                  ) : null}
                  <button type="button" disabled={pending} aria-label={`Remove ${member.displayName} from the group`} onClick={() => onRemove(member)} className={`${action} text-danger`}>
                    Remove
                  </button>
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
