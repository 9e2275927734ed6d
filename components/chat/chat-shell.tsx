'use client';

import { useSelectedLayoutSegment } from 'next/navigation';
import type { ReactNode } from 'react';
import { useRealtime } from '@/components/realtime-provider';

/**
 * Desktop: the sidebar sits beside the open page. Phone: the chat list and a chat are separate screens,
 * so the list shows only on the home route and the page only elsewhere.
 */
export function ChatShell({ sidebar, children, home }: { sidebar: ReactNode; children: ReactNode; home?: boolean }) {
  // The offline app shell is one page, not a layout over routes: it says which screen it shows.
  const onHome = useSelectedLayoutSegment() === null && home !== false;
  const { status } = useRealtime();
  return (
    <div className="flex h-dvh overflow-hidden" data-connection={status}>
      <aside
        aria-label="Chats"
        className={`${onHome ? 'flex' : 'hidden'} w-full flex-col border-line md:flex md:w-80 md:shrink-0 md:border-r lg:w-96`}
      >
        {sidebar}
      </aside>
      <main className={`${onHome ? 'hidden' : 'flex'} min-w-0 flex-1 flex-col md:flex`}>{children}</main>
    </div>
  );
}
