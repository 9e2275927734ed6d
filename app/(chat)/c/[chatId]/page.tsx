import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ChatRoom } from '@/components/chat/chat-room';
import { getChatSummaryForUser } from '@/db/queries/chats';
import { requireUser } from '@/lib/auth';
import { getRecentMessages } from '@/lib/cache/recent-messages';

type Props = { params: Promise<{ chatId: string }> };

export const metadata: Metadata = { title: 'Chat' };

export default async function ChatPage({ params }: Props) {
  const user = await requireUser();
  const chatId = z.uuid().safeParse((await params).chatId);
  if (!chatId.success) notFound();
  // A chat that does not exist and a chat the user is not in look exactly the same.
  const chat = await getChatSummaryForUser({ chatId: chatId.data, userId: user.id });
  if (!chat) notFound();
  const messages = await getRecentMessages({ chatId: chat.id, lastSeq: chat.lastMessage?.seq ?? 0 });
  return <ChatRoom key={chat.id} chat={chat} me={user} initialMessages={messages} />;
}
