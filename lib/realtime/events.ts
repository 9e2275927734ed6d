/**
 * THE contract between browser and server: event maps, payload schemas, DTOs and room names.
 * Imported by both sides, so it holds nothing that needs Node or the database.
 */
import { z } from 'zod';
import { MESSAGE_MAX_LENGTH, type Result } from '@/lib/errors';
import { ATTACHMENTS_PER_MESSAGE, characterCount, isSingleEmoji } from './limits';

// The limits the browser shares live in limits.ts (no zod there, so none ships to the browser); the server's
// code keeps importing them from the contract.
export {
  ATTACHMENTS_PER_MESSAGE,
  characterCount,
  EDIT_WINDOW_MS,
  GROUP_MAX_MEMBERS,
  GROUP_TITLE_MAX_LENGTH,
  QUICK_REACTIONS,
  RECENT_MESSAGES,
  SEARCH_QUERY_MAX_LENGTH,
} from './limits';

// zod probes for eval (`Function('')`) when the first z.object below is built; our CSP has no 'unsafe-eval', so in
// the browser that probe is refused and reported as a violation on every page that loads this file. Skip it there.
if (typeof window !== 'undefined') z.config({ jitless: true });

export type UserDTO = {
  id: string;
  username: string;
  displayName: string;
  /** The profile picture's URL (a new one per upload), or null: initials on a stable colour. */
  avatarUrl: string | null;
};

export type ChatKind = 'direct' | 'group';
export type MemberRole = 'member' | 'admin';
export type MessageKind = 'text' | 'system';

/** What a system line in a group says happened; names are looked up by the client. */
export type SystemEvent =
  | { type: 'group_created'; actorId: string; title: string }
  | { type: 'members_added'; actorId: string; userIds: string[] }
  | { type: 'member_removed'; actorId: string; userId: string }
  | { type: 'member_left'; actorId: string }
  | { type: 'group_renamed'; actorId: string; title: string }
  | { type: 'admin_granted'; actorId: string; userId: string };

export type AttachmentKind = 'image' | 'file';

/** A stored file a message carries. Fetched by id (limits.ts: attachmentUrl), each request checked for membership. */
export type AttachmentDTO = {
  id: string;
  /** 'image': a JPEG, PNG, WebP or GIF with a thumbnail and a viewer; anything else is a 'file' to download. */
  kind: AttachmentKind;
  /** The original file name. */
  name: string;
  /** Sniffed from the content. */
  mime: string;
  /** Bytes as stored (an image after its metadata was stripped). */
  size: number;
  /** Images only, after EXIF orientation was applied: the thumbnail's box is reserved before it loads. */
  width: number | null;
  height: number | null;
};

export type ReactionDTO = { emoji: string; userIds: string[] };

/** The quoted original of a reply, as it is now (edited or deleted originals show so). */
export type ReplyPreviewDTO = { id: string; seq: number; senderId: string; snippet: string; deleted: boolean };

export type MessageDTO = {
  id: string;
  chatId: string;
  /** 1, 2, 3 … per chat, in commit order. */
  seq: number;
  senderId: string;
  clientId: string;
  kind: MessageKind;
  /** '' when deleted and for system lines; may be '' (no caption) when the message carries attachments. */
  body: string;
  /** In the sender's order; [] once deleted. */
  attachments: AttachmentDTO[];
  event: SystemEvent | null;
  replyTo: ReplyPreviewDTO | null;
  mentionIds: string[];
  editedAt: string | null;
  deleted: boolean;
  /** In order of first reaction. */
  reactions: ReactionDTO[];
  /** Bumped by every edit, deletion and reaction: of two copies of one message, keep the higher. */
  version: number;
  createdAt: string;
};

/** A member of a chat as the others see them; former members stay listed (active false) for old messages. */
export type MemberDTO = UserDTO & {
  role: MemberRole;
  active: boolean;
  deliveredSeq: number;
  /** Null when either side turned read receipts off. */
  readSeq: number | null;
};

export type ChatSummaryDTO = {
  id: string;
  kind: ChatKind;
  /** The group's name, or the other person's display name. */
  title: string;
  /** The other person of a 1:1 chat; null for groups. */
  peer: UserDTO | null;
  /** A group's picture (a 1:1 chat shows the peer's); null: initials. */
  avatarUrl: string | null;
  /** Current members, me included. */
  memberCount: number;
  myRole: MemberRole;
  /** False once I left or was removed: the history up to then stays readable, nothing more. */
  active: boolean;
  /** ISO time, or null when not muted; far future (year 9999) for "always". */
  mutedUntil: string | null;
  archived: boolean;
  /** Unread messages that mention me: they notify even when the chat is muted. */
  unreadMentionCount: number;
  lastMessage: MessageDTO | null;
  /** Display names of the people the last message names (sender, people in a system line), for its preview. */
  names: Record<string, string>;
  lastActivityAt: string;
  /** Messages from others after my read position. */
  unreadCount: number;
  markedUnread: boolean;
  myReadSeq: number;
  /** The other members' positions, the lowest of them in a group (readSeq null when receipts are off). */
  peerDeliveredSeq: number;
  peerReadSeq: number | null;
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A message's text where it may be empty (the caption of attachments). */
const captionSchema = z
  .string()
  // Postgres text cannot hold NUL; refuse it here instead of failing the insert.
  .refine((body) => !body.includes('\u0000'), { message: 'nul' })
  // Half of a surrogate pair is no character: Postgres' jsonb (a send's way in) and UTF-8 cannot hold it.
  .refine((body) => !LONE_SURROGATE.test(body), { message: 'malformed' })
  .refine((body) => characterCount(body) <= MESSAGE_MAX_LENGTH, { message: 'too_long' });
export const messageBodySchema = captionSchema.refine((body) => body.trim().length > 0, { message: 'empty' });

export const chatJoinSchema = z.object({ chatId: z.uuid() });
export const messageSendSchema = z
  .object({
    chatId: z.uuid(),
    clientId: z.uuid(),
    body: captionSchema,
    replyToId: z.uuid().optional(),
    /** Uploads of the sender's to this chat (POST /api/chats/:chatId/attachments), in the order shown. */
    attachmentIds: z.array(z.uuid()).max(ATTACHMENTS_PER_MESSAGE).optional(),
  })
  // Text, attachments, or both.
  .refine((send) => send.body.trim().length > 0 || (send.attachmentIds?.length ?? 0) > 0, { message: 'empty', path: ['body'] });
export const messageEditSchema = z.object({ chatId: z.uuid(), messageId: z.uuid(), body: messageBodySchema });
export const messageDeleteSchema = z.object({ chatId: z.uuid(), messageId: z.uuid() });
/** One emoji (a single grapheme, RGI sequences included), nothing else. */
export const emojiSchema = z.string().max(32).refine(isSingleEmoji, { message: 'not_emoji' });
export const reactionToggleSchema = z.object({ chatId: z.uuid(), messageId: z.uuid(), emoji: emojiSchema });
export const messageSyncSchema = z.object({ chatId: z.uuid(), afterSeq: z.number().int().min(0).max(2_147_483_647) });

export const typingSchema = z.object({ chatId: z.uuid() });
/** Whether the tab is in front of its user (document.visibilityState): someone who sees the chat gets no push. */
export const visibilitySchema = z.object({ visible: z.boolean() });
const seqSchema = z.number().int().min(0).max(2_147_483_647);
export const receiptSchema = z.object({ chatId: z.uuid(), deliveredSeq: seqSchema, readSeq: seqSchema });

export type ReceiptPayload = z.infer<typeof receiptSchema>;
export type ChatJoinPayload = z.infer<typeof chatJoinSchema>;
/** The chat's newest readable messages (oldest first, up to 25) and the number of the last one the member may read. */
export type ChatOpenResult = { lastSeq: number; messages: MessageDTO[] };
export type MessageSendPayload = z.infer<typeof messageSendSchema>;
export type MessageSyncPayload = z.infer<typeof messageSyncSchema>;
export type MessageEditPayload = z.infer<typeof messageEditSchema>;
export type MessageDeletePayload = z.infer<typeof messageDeleteSchema>;
export type ReactionTogglePayload = z.infer<typeof reactionToggleSchema>;

/** A page of messages after a sequence number; `hasMore` says to ask again from the last one. */
/** Online now, or when last seen (null when hidden by either side's privacy setting, or never seen). */
export type PresenceDTO = {
  userId: string;
  online: boolean;
  lastSeenAt: string | null;
  /** When the server established this (ISO time): of two, the client keeps the later one. */
  at: string;
};

/** Another member's positions in a chat; readSeq is null when either side turned read receipts off. */
export type ReceiptDTO = { chatId: string; userId: string; deliveredSeq: number; readSeq: number | null };

/** My own position in a chat, for my other tabs and devices. */
export type ReadStateDTO = { chatId: string; readSeq: number; markedUnread: boolean };

export type SyncPage = { messages: MessageDTO[]; hasMore: boolean };

export const SYNC_PAGE_SIZE = 200;
export const HISTORY_PAGE_SIZE = 50;

export type Ack<T> = (result: Result<T>) => void;

export interface ClientToServerEvents {
  'chat:join': (payload: ChatJoinPayload, ack: Ack<{ lastSeq: number }>) => void;
  /** Opening a chat without a page load: the newest messages this member may read, as the chat page shows them. */
  'chat:open': (payload: ChatJoinPayload, ack: Ack<ChatOpenResult>) => void;
  'message:send': (payload: MessageSendPayload, ack: Ack<MessageDTO>) => void;
  'message:sync': (payload: MessageSyncPayload, ack: Ack<SyncPage>) => void;
  /** Own text messages, within EDIT_WINDOW_MS; answers the updated message. */
  'message:edit': (payload: MessageEditPayload, ack: Ack<MessageDTO>) => void;
  /** Own messages, for everyone: the text is erased from Postgres and the cache. */
  'message:delete': (payload: MessageDeletePayload, ack: Ack<MessageDTO>) => void;
  /** Adds my reaction with this emoji, or removes it if I had it. */
  'reaction:toggle': (payload: ReactionTogglePayload, ack: Ack<MessageDTO>) => void;
  /** Throttled by the client (one every 2 s while typing); never stored. */
  'typing:start': (payload: { chatId: string }) => void;
  'typing:stop': (payload: { chatId: string }) => void;
  /** The highest numbers that reached this device / that the person has seen; coalesced on both sides. */
  'receipt:update': (payload: ReceiptPayload, ack?: Ack<null>) => void;
  /** The tab was hidden or shown; also stated at the handshake as `auth: {visible}`. Not acknowledged. */
  'visibility:set': (payload: { visible: boolean }) => void;
}

export interface ServerToClientEvents {
  'message:new': (message: MessageDTO) => void;
  /** An edit, deletion or reaction change: the whole message as it is now (keep the higher version). */
  'message:updated': (message: MessageDTO) => void;
  /** Members, name, roles, or my own mute/archive changed: the chat as this user now sees it. */
  'chat:updated': (chat: ChatSummaryDTO) => void;
  /** Sent to each member's user room, shaped for that member (peer = the other person). */
  'chat:created': (chat: ChatSummaryDTO) => void;
  /** Live delivery may have had a gap (Redis was away): re-read the list and catch up on open chats. */
  'sync:required': () => void;
  'typing:update': (update: { chatId: string; userId: string; typing: boolean }) => void;
  'presence:update': (presence: PresenceDTO) => void;
  'receipt:update': (receipt: ReceiptDTO) => void;
  'chat:read': (state: ReadStateDTO) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  userId: string;
  sessionId: string;
  /** Chats this socket said it is typing in, so a disconnect can clear the indicator. */
  typingIn?: Set<string>;
  /** What the tab last said about its visibility; undefined (a client that never says) counts as visible. */
  visible?: boolean;
}

/** The only way to name a room. */
export const rooms = {
  chat: (chatId: string) => `chat:${chatId}`,
  user: (userId: string) => `user:${userId}`,
  /** Every socket of one sign-in, on any instance: signing out disconnects exactly these. */
  session: (sessionId: string) => `session:${sessionId}`,
};
