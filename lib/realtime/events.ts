/**
 * THE contract between browser and server: event maps, payload schemas, DTOs and room names.
 * Imported by both sides, so it holds nothing that needs Node or the database.
 */
import { z } from 'zod';
import { MESSAGE_MAX_LENGTH, type Result } from '@/lib/errors';

export type UserDTO = { id: string; username: string; displayName: string };

export type MessageDTO = {
  id: string;
  chatId: string;
  /** 1, 2, 3 … per chat, in commit order. */
  seq: number;
  senderId: string;
  clientId: string;
  body: string;
  createdAt: string;
};

export type ChatSummaryDTO = {
  id: string;
  peer: UserDTO;
  lastMessage: MessageDTO | null;
  lastActivityAt: string;
  /** Messages from others after my read position. */
  unreadCount: number;
  markedUnread: boolean;
  myReadSeq: number;
  /** The other member's positions (readSeq null when either side turned read receipts off). */
  peerDeliveredSeq: number;
  peerReadSeq: number | null;
};

/** Counts what a person sees as characters (code points), the same on client and server. */
export const characterCount = (text: string) => Array.from(text).length;

export const messageBodySchema = z
  .string()
  .refine((body) => body.trim().length > 0, { message: 'empty' })
  // Postgres text cannot hold NUL; refuse it here instead of failing the insert.
  .refine((body) => !body.includes('\u0000'), { message: 'nul' })
  .refine((body) => characterCount(body) <= MESSAGE_MAX_LENGTH, { message: 'too_long' });

export const chatJoinSchema = z.object({ chatId: z.uuid() });
export const messageSendSchema = z.object({ chatId: z.uuid(), clientId: z.uuid(), body: messageBodySchema });
export const messageSyncSchema = z.object({ chatId: z.uuid(), afterSeq: z.number().int().min(0).max(2_147_483_647) });

export const typingSchema = z.object({ chatId: z.uuid() });
const seqSchema = z.number().int().min(0).max(2_147_483_647);
export const receiptSchema = z.object({ chatId: z.uuid(), deliveredSeq: seqSchema, readSeq: seqSchema });

export type ReceiptPayload = z.infer<typeof receiptSchema>;
export type ChatJoinPayload = z.infer<typeof chatJoinSchema>;
export type MessageSendPayload = z.infer<typeof messageSendSchema>;
export type MessageSyncPayload = z.infer<typeof messageSyncSchema>;

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
export const RECENT_MESSAGES = 25;
export const HISTORY_PAGE_SIZE = 50;

export type Ack<T> = (result: Result<T>) => void;

export interface ClientToServerEvents {
  'chat:join': (payload: ChatJoinPayload, ack: Ack<{ lastSeq: number }>) => void;
  'message:send': (payload: MessageSendPayload, ack: Ack<MessageDTO>) => void;
  'message:sync': (payload: MessageSyncPayload, ack: Ack<SyncPage>) => void;
  /** Throttled by the client (one every 2 s while typing); never stored. */
  'typing:start': (payload: { chatId: string }) => void;
  'typing:stop': (payload: { chatId: string }) => void;
  /** The highest numbers that reached this device / that the person has seen; coalesced on both sides. */
  'receipt:update': (payload: ReceiptPayload, ack?: Ack<null>) => void;
}

export interface ServerToClientEvents {
  'message:new': (message: MessageDTO) => void;
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
}

/** The only way to name a room. */
export const rooms = {
  chat: (chatId: string) => `chat:${chatId}`,
  user: (userId: string) => `user:${userId}`,
  /** Every socket of one sign-in, on any instance: signing out disconnects exactly these. */
  session: (sessionId: string) => `session:${sessionId}`,
};
