import Link from 'next/link';
import { logout } from '@/app/(auth)/actions';
import type { UserDTO } from '@/lib/realtime/events';
import { Avatar } from './avatar';
import { NewGroupButton } from './new-group-dialog';

export function SidebarHeader({ user }: { user: UserDTO }) {
  return (
    <header className="flex items-center gap-3 border-b border-line px-4 py-3">
      <Avatar name={user.displayName} id={user.id} />
      <div className="min-w-0 flex-1">
        <p className="truncate font-semibold" data-testid="current-user">
          {user.displayName}
        </p>
        <p className="truncate text-xs text-muted">@{user.username}</p>
      </div>
      <NewGroupButton />
      <Link href="/settings" className="rounded-lg px-2 py-1 text-sm text-muted hover:bg-surface-alt hover:text-ink">
        Settings
      </Link>
      <form action={logout}>
        <button type="submit" className="rounded-lg px-2 py-1 text-sm text-muted hover:bg-surface-alt hover:text-ink">
          Sign out
        </button>
      </form>
    </header>
  );
}
