/**
 * The limits and small helpers the browser shares with the server's contract (lib/realtime/events.ts), kept
 * free of zod: client components import these from here, so the chat page ships without the validation library
 * (~34 KB gzipped, a fifth of its first-load JavaScript). The server validates with events.ts' schemas.
 */

/** Counts what a person sees as characters (code points), the same on client and server. */
export const characterCount = (text: string) => Array.from(text).length;

/** One emoji (a single grapheme, RGI sequences included), nothing else. */
export const isSingleEmoji = (value: string) => value.length <= 32 && new RegExp('^\\p{RGI_Emoji}$', 'v').test(value);

/** Own messages can be edited for this long after sending. */
export const EDIT_WINDOW_MS = 24 * 60 * 60_000;
/** WhatsApp's size; the benchmark's fan-out scenario (c) sends to a 1,000-member group. */
export const GROUP_MAX_MEMBERS = 1024;
export const GROUP_TITLE_MAX_LENGTH = 100;
/** The quick set under a message; any other emoji comes from the picker. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;
/** The newest messages a chat opens with, kept in the cache (Redis list) and on the device for offline reading. */
export const RECENT_MESSAGES = 25;
/** Longest message search query, in characters: the search box and the server action share it. */
export const SEARCH_QUERY_MAX_LENGTH = 100;
/** Files one message carries at most (WhatsApp sends 30 at once; 10 keeps a bubble readable). */
export const ATTACHMENTS_PER_MESSAGE = 10;
/** Largest image, in bytes (20 MB): it is decoded in memory for its thumbnail. */
export const IMAGE_MAX_BYTES = 20 * 1024 * 1024;
/** Largest file of any other type, in bytes (50 MB): streamed to storage, never held in memory whole. */
export const FILE_MAX_BYTES = 50 * 1024 * 1024;
/** Largest profile or group picture before it is cropped and resized. */
export const AVATAR_MAX_BYTES = 10 * 1024 * 1024;
/** Longest file name kept, in characters; a longer one keeps its start and its extension. */
export const ATTACHMENT_NAME_MAX_LENGTH = 255;

/** Where a browser fetches an attachment, its thumbnail (images only), or a download under its original name. */
export const attachmentUrl = (id: string, variant: 'original' | 'thumb' | 'download' = 'original') =>
  variant === 'original' ? `/api/attachments/${id}` : `/api/attachments/${id}/${variant}`;
