import Link from 'next/link';
import type { ReactNode } from 'react';
import { logout } from '@/app/(auth)/actions';
import { InstallApp } from '@/components/install-app';
import type { UserDTO } from '@/lib/realtime/events';
import { Avatar } from './avatar';
import { NewGroupButton } from './new-group-dialog';

/** Icon-sized actions, so the person's own name keeps its room on a phone; the name is in aria-label and title. */
export const headerAction = 'inline-flex h-9 w-9 shrink-0 items-center justify-center rounded-lg text-muted hover:bg-surface-alt hover:text-ink';

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="h-5 w-5">
      {children}
    </svg>
  );
}

export function SidebarHeader({ user }: { user: UserDTO }) {
  return (
    // Wraps when the text is large (200% zoom on a phone): the actions move under the name instead of off screen.
    <header className="flex flex-wrap items-center gap-3 border-b border-line px-4 py-3">
      <Avatar name={user.displayName} id={user.id} url={user.avatarUrl} />
      <div className="min-w-24 flex-1">
        {/* Wrapped, not cut with an ellipsis: at 200% text a phone has room for a few letters per line. */}
        <p className="font-semibold [overflow-wrap:anywhere]" data-testid="current-user">
          {user.displayName}
        </p>
        <p className="text-xs text-muted [overflow-wrap:anywhere]">@{user.username}</p>
      </div>
      <div className="ml-auto flex items-center gap-0.5">
        <InstallApp className={headerAction} />
        <NewGroupButton className={headerAction} />
        <Link href="/settings" aria-label="Settings" title="Settings" className={headerAction}>
          <Icon>
            <circle cx="12" cy="12" r="3" />
            <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
          </Icon>
        </Link>
        <form action={logout}>
          <button type="submit" aria-label="Sign out" title="Sign out" className={headerAction}>
            <Icon>
              <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" />
              <path d="m16 17 5-5-5-5" />
              <path d="M21 12H9" />
            </Icon>
          </button>
        </form>
      </div>
    </header>
  );
}
