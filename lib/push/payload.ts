/**
 * What a push says. Read by public/sw-push.js, which shows it as is: every decision about what a lock screen may
 * show is made here, on the server, per device.
 */
export type PushPayload = {
  chatId: string;
  /** Where a click on the notification goes. */
  url: string;
  title: string;
  body: string;
  /** One notification per chat: a newer message replaces the older one. */
  tag: string;
};

/** Characters (code points) of the message shown in a notification before it is cut with "…". */
export const PREVIEW_LENGTH = 140;
/** What a device that chose private previews shows, title and body: not who wrote, not what. */
export const PRIVATE_TITLE = 'Parley';
export const PRIVATE_BODY = 'New message';

/** Cuts by code points, never inside a surrogate pair; whitespace runs (new lines) become one space. */
export function previewText(body: string, length = PREVIEW_LENGTH): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= length ? flat : `${chars.slice(0, length - 1).join('').trimEnd()}…`;
}

export function buildPushPayload(input: {
  chatId: string;
  chatKind: 'direct' | 'group';
  chatTitle: string | null;
  senderName: string;
  body: string;
  previews: boolean;
}): PushPayload {
  const { chatId } = input;
  const common = { chatId, url: `/c/${chatId}`, tag: chatId };
  if (!input.previews) return { ...common, title: PRIVATE_TITLE, body: PRIVATE_BODY };
  const text = previewText(input.body);
  if (input.chatKind === 'group') return { ...common, title: input.chatTitle ?? 'Group', body: `${input.senderName}: ${text}` };
  return { ...common, title: input.senderName, body: text };
}
