'use client';

import { Button } from './button';
import { Dialog } from './dialog';

/**
 * What a part loaded on first use (next/dynamic) shows when its code cannot be fetched: offline, on the offline
 * copy of the app, a part never opened while online is not on the device. Without it the failed import would
 * take the whole page down.
 */
export function NeedsConnection({ onClose }: { onClose: (...args: never[]) => void }) {
  return (
    <Dialog title="Not available offline" onClose={() => onClose()}>
      <p className="text-sm text-muted">This needs a connection the first time. Try again when you are back online.</p>
      <Button type="button" className="self-end" onClick={() => onClose()}>
        OK
      </Button>
    </Dialog>
  );
}
