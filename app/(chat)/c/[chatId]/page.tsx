import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';
import { ChatRoom } from '@/components/chat/chat-room';
import { getChatSummaryForUser, getReadableMembership } from '@/db/queries/chats';
import { listChatMembers } from '@/db/queries/groups';
import { requireUser } from '@/lib/auth';
import { getVisibleRecentMessages } from '@/lib/cache/recent-messages';
import { getPresence } from '@/lib/realtime/presence';

type Props = { params: Promise<{ chatId: string }>; searchParams: Promise<{ m?: string | string[] }> };

/**
 * The chat as the signed-in user sees it; a chat that does not exist and one they never belonged to look the
 * same. Former members of a group still open it, to read what they saw while they belonged.
 */
const loadChat = cache(async (rawChatId: string) => {
  const user = await requireUser();
  const chatId = z.uuid().safeParse(rawChatId);
  if (!chatId.success) notFound();
  const membership = await getReadableMembership({ chatId: chatId.data, userId: user.id });
  if (!membership) notFound();
  const chat = await getChatSummaryForUser({ chatId: chatId.data, userId: user.id });
  if (!chat) notFound();
  return { user, chat, membership };
});

/** `?m=<seq>` opens the chat at that message (search results link so). */
const focusSchema = z.coerce.number().int().min(1).max(2_147_483_647);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { chat } = await loadChat((await params).chatId);
  return { title: chat.title };
}

export default async function ChatPage({ params, searchParams }: Props) {
  const { user, chat, membership } = await loadChat((await params).chatId);
  const focus = focusSchema.safeParse((await searchParams).m);
  const [messages, members, presence] = await Promise.all([
    getVisibleRecentMessages({ chatId: chat.id, membership }),
    listChatMembers({ chatId: chat.id, viewerId: user.id }),
    // Presence is a 1:1 matter: groups show members, not who is online.
    chat.peer ? getPresence(user.id, chat.peer.id) : Promise.resolve(null),
  ]);
  return (
    <ChatRoom
      key={chat.id}
      chat={chat}
      me={user}
      initialMessages={messages}
      initialMembers={members}
      presence={presence}
      focusSeq={focus.success ? focus.data : null}
    />
  );
}
