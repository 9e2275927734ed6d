import type { MessageDTO, SystemEvent } from '@/lib/realtime/events';
import { messageSummary } from '@/lib/realtime/messages';

/** A display name for a user id, or undefined while it is not known yet. */
export type NameOf = (userId: string) => string | undefined;

/** "Bo", "Bo and Cy", "Bo, Cy and Di", "Bo, Cy and 3 others". */
function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
}

/**
 * The sentence a system line stands for, in the reader's words: "You added Bo", "Ana removed you",
 * "Ana changed the group name to “Trip”". Text only: React escapes it wherever it is shown.
 */
export function describeSystemEvent(event: SystemEvent, nameOf: NameOf, meId: string): string {
  const subject = (id: string) => (id === meId ? 'You' : (nameOf(id) ?? 'Someone'));
  const object = (id: string) => (id === meId ? 'you' : (nameOf(id) ?? 'someone'));
  const actor = subject(event.actorId);
  switch (event.type) {
    case 'group_created':
      return `${actor} created the group “${event.title}”`;
    case 'members_added':
      return event.userIds.length === 1 && event.userIds[0] === event.actorId
        ? `${actor} joined`
        : `${actor} added ${joinNames(event.userIds.map(object))}`;
    case 'member_removed':
      return `${actor} removed ${object(event.userId)}`;
    case 'member_left':
      return `${actor} left`;
    case 'group_renamed':
      return `${actor} changed the group name to “${event.title}”`;
    case 'admin_granted':
      return `${actor} made ${object(event.userId)} an admin`;
  }
}

export { idsNamedBy } from '@/lib/realtime/messages';

/**
 * The one line under a chat's name in the list: "You: hi", in groups "Ana: hi", a system line as a sentence,
 * and "This message was deleted" for a deleted one.
 */
export function previewOf(message: MessageDTO | null, options: { meId: string; isGroup: boolean; nameOf: NameOf }): string {
  if (!message) return 'No messages yet';
  if (message.deleted) return 'This message was deleted';
  if (message.kind === 'system' && message.event) return describeSystemEvent(message.event, options.nameOf, options.meId);
  const text = messageSummary(message);
  if (message.senderId === options.meId) return `You: ${text}`;
  const sender = options.isGroup ? options.nameOf(message.senderId) : undefined;
  return sender ? `${sender}: ${text}` : text;
}
