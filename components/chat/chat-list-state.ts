import type { ChatSummaryDTO, MessageDTO, ReadStateDTO } from '@/lib/realtime/events';
import { isMuted } from './unread';

export const byActivity = (a: ChatSummaryDTO, b: ChatSummaryDTO) => b.lastActivityAt.localeCompare(a.lastActivityAt);

/**
 * Applies a new message to the list: newer previews win, the chat moves to the top (out of the archive: a new
 * message unarchives, as on the server), and a text from someone else may count as unread, and as a mention.
 */
export function applyMessage(
  chats: ChatSummaryDTO[],
  message: MessageDTO,
  { countsAsUnread, meId }: { countsAsUnread: boolean; meId: string },
): ChatSummaryDTO[] | null {
  const chat = chats.find((c) => c.id === message.chatId);
  if (!chat) return null;
  if (chat.lastMessage && chat.lastMessage.seq >= message.seq) return chats;
  // System lines never count as unread (the server's count leaves them out too).
  const unread = countsAsUnread && message.kind === 'text' && message.seq > chat.myReadSeq ? 1 : 0;
  const mention = unread && message.mentionIds.includes(meId) ? 1 : 0;
  const updated: ChatSummaryDTO = {
    ...chat,
    lastMessage: message,
    lastActivityAt: message.createdAt,
    archived: false,
    unreadCount: chat.unreadCount + unread,
    unreadMentionCount: chat.unreadMentionCount + mention,
  };
  return [updated, ...chats.filter((c) => c.id !== chat.id)].sort(byActivity);
}

/**
 * 'chat:updated' / 'chat:created': the chat as the server sees it now replaces ours, or joins the list. A message
 * that reached us before the summary was built stays (with its counts): the summary is older than it.
 */
export function applyChatSummary(chats: ChatSummaryDTO[], incoming: ChatSummaryDTO): ChatSummaryDTO[] {
  const current = chats.find((c) => c.id === incoming.id);
  if (!current) return [incoming, ...chats].sort(byActivity);
  const ours = current.lastMessage?.seq ?? 0;
  const theirs = incoming.lastMessage?.seq ?? 0;
  const merged =
    ours > theirs
      ? {
          ...incoming,
          lastMessage: current.lastMessage,
          lastActivityAt: current.lastActivityAt,
          archived: false,
          unreadCount: current.unreadCount,
          unreadMentionCount: current.unreadMentionCount,
          myReadSeq: Math.max(current.myReadSeq, incoming.myReadSeq),
        }
      : incoming;
  return chats.map((c) => (c.id === incoming.id ? merged : c)).sort(byActivity);
}

/**
 * A server refresh (after a reconnect, say) replaces the list, except that a chat whose newer message reached us
 * after the server read the list keeps that message: a refresh requested just before a message must not undo it.
 */
export function applyFreshList(current: ChatSummaryDTO[], fresh: ChatSummaryDTO[]): ChatSummaryDTO[] {
  const ours = new Map(current.map((chat) => [chat.id, chat]));
  return fresh.map((chat) => (ours.has(chat.id) ? applyChatSummary([ours.get(chat.id)!], chat)[0]! : chat)).sort(byActivity);
}

/** An edit, deletion or reaction: the preview follows when it is the chat's last message (higher version wins). */
export function applyMessageUpdate(chats: ChatSummaryDTO[], message: MessageDTO): ChatSummaryDTO[] {
  const chat = chats.find((c) => c.id === message.chatId);
  if (!chat?.lastMessage || chat.lastMessage.id !== message.id || chat.lastMessage.version >= message.version) return chats;
  return chats.map((c) => (c.id === chat.id ? { ...c, lastMessage: message } : c));
}

/** Read up to the end in some tab: nothing unread, no unread mentions. */
export function applyRead(chats: ChatSummaryDTO[], state: ReadStateDTO): ChatSummaryDTO[] {
  return chats.map((c) =>
    c.id === state.chatId ? { ...c, myReadSeq: state.readSeq, markedUnread: state.markedUnread, unreadCount: 0, unreadMentionCount: 0 } : c,
  );
}

/** What the badge shows: the unread count, or 1 for a chat marked unread. */
export const badgeCount = (chat: ChatSummaryDTO) => (chat.unreadCount > 0 ? chat.unreadCount : chat.markedUnread ? 1 : 0);

/** What the tab title and app badge count: muted chats only for their mentions. */
export const attentionCount = (chat: ChatSummaryDTO, now = Date.now()) => (isMuted(chat, now) ? chat.unreadMentionCount : badgeCount(chat));
