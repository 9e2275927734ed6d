import type { MessageDTO } from '@/lib/realtime/events';

/** A plain text message as the server would send it; tests override what they care about. */
export function makeMessageDTO(fields: Pick<MessageDTO, 'id' | 'chatId' | 'seq' | 'senderId' | 'clientId' | 'body' | 'createdAt'> & Partial<MessageDTO>): MessageDTO {
  return { kind: 'text', event: null, replyTo: null, mentionIds: [], editedAt: null, deleted: false, reactions: [], version: 0, attachments: [], ...fields };
}
