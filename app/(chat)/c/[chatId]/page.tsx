import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';
import { ChatRoom } from '@/components/chat/chat-room';
import { getChatSummaryForUser } from '@/db/queries/chats';
import { requireUser } from '@/lib/auth';
import { getRecentMessages } from '@/lib/cache/recent-messages';
import { getPresence } from '@/lib/realtime/presence';

type Props = { params: Promise<{ chatId: string }> };

/** The chat as the signed-in user sees it; a chat that does not exist and one they are not in look the same. */
const loadChat = cache(async (rawChatId: string) => {
  const user = await requireUser();
  const chatId = z.uuid().safeParse(rawChatId);
  if (!chatId.success) notFound();
  const chat = await getChatSummaryForUser({ chatId: chatId.data, userId: user.id });
  if (!chat) notFound();
  return { user, chat };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { chat } = await loadChat((await params).chatId);
  return { title: chat.peer!.displayName };
}

export default async function ChatPage({ params }: Props) {
  const { user, chat } = await loadChat((await params).chatId);
  const [messages, presence] = await Promise.all([
    getRecentMessages({ chatId: chat.id, lastSeq: chat.lastMessage?.seq ?? 0 }),
    getPresence(user.id, chat.peer!.id),
  ]);
  return <ChatRoom key={chat.id} chat={chat} me={user} initialMessages={messages} presence={presence} />;
}
