import type { ReactNode } from 'react';
import { ChatList } from '@/components/chat/chat-list';
import { ChatShell } from '@/components/chat/chat-shell';
import { MessageSearch } from '@/components/chat/message-search';
import { SidebarHeader } from '@/components/chat/sidebar-header';
import { UserSearch } from '@/components/chat/user-search';
import { RealtimeProvider } from '@/components/realtime-provider';
import { listChatsForUser } from '@/db/queries/chats';
import { requireUser } from '@/lib/auth';

export default async function ChatLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const chats = await listChatsForUser(user.id);
  return (
    <RealtimeProvider userId={user.id}>
      <ChatShell
        sidebar={
          <>
            <SidebarHeader user={user} />
            <UserSearch />
            <MessageSearch />
            <ChatList initialChats={chats} me={user} />
          </>
        }
      >
        {children}
      </ChatShell>
    </RealtimeProvider>
  );
}
