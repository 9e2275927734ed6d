import type { MessageDTO } from '@/lib/realtime/events';
import { describeSystemEvent } from './system-event-text';

/** A centred line between messages ("Ana added Bo"), worded as in the chat list; always rendered as text. */
export function SystemLine({ message, meId, nameOf }: { message: MessageDTO; meId: string; nameOf: (userId: string) => string }) {
  return (
    <li data-testid="system-line" data-seq={message.seq} className="flex justify-center py-1">
      <p className="max-w-[90%] rounded-full bg-surface-alt px-3 py-1 text-center text-xs text-muted [overflow-wrap:anywhere]">
        {message.event ? describeSystemEvent(message.event, nameOf, meId) : message.body}
      </p>
    </li>
  );
}
