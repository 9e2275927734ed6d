'use client';

import dynamic from 'next/dynamic';
import { useRef } from 'react';
import { NeedsConnection } from '@/components/ui/needs-connection';
import { loadMessageActionsMenu } from './message-actions-loader';

export type MessageAction = 'reply' | 'more-reactions' | 'edit' | 'copy' | 'delete';

export type MessageActionsProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  canEdit: boolean;
  canDelete: boolean;
  /** Former members may only copy. */
  canWrite: boolean;
  mine: boolean;
  onReact: (emoji: string) => void;
  onAction: (action: MessageAction) => void;
};

// The menu loads when a menu is first opened: most messages never have theirs opened (first-load JS budget).
// Offline, a menu never opened while online is not on the device: NeedsConnection says so instead of crashing.
const MessageActionsMenu = dynamic(() => loadMessageActionsMenu().then((module) => module.MessageActionsMenu, () => NeedsConnection));

/**
 * The "⋯" button beside a message and its menu (message-actions-menu.tsx).
 * Shown on hover or focus with a mouse, always on touch screens (a long press opens it too).
 */
export function MessageActions(props: MessageActionsProps) {
  const { open, onOpenChange } = props;
  const toggle = useRef<HTMLButtonElement>(null);
  return (
    <div className="self-center">
      <button
        ref={toggle}
        type="button"
        aria-label="Message actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => onOpenChange(!open)}
        className={`flex h-8 w-8 items-center justify-center rounded-full text-lg leading-none text-muted hover:bg-surface-alt focus-visible:opacity-100 [@media(hover:hover)]:opacity-0 [@media(hover:hover)]:group-hover/message:opacity-100 [@media(hover:hover)]:group-focus-within/message:opacity-100 ${
          open ? '!opacity-100' : ''
        }`}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open ? <MessageActionsMenu {...props} toggle={toggle} onClose={() => onOpenChange(false)} /> : null}
    </div>
  );
}
