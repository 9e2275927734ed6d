'use client';

import dynamic from 'next/dynamic';
import { NeedsConnection } from '@/components/ui/needs-connection';
import { useRef, useState } from 'react';
import { Dialog } from '@/components/ui/dialog';
import { errorMessages } from '@/components/ui/error-messages';
import { Time } from '@/components/ui/time';
import type { MessageDTO, ReplyPreviewDTO } from '@/lib/realtime/events';
import { EDIT_WINDOW_MS } from '@/lib/realtime/limits';
import { MessageActions, type MessageAction } from './message-actions';
import { MessageText, type Mentions } from './message-text';
import { Reactions } from './reactions';
import { ReplyQuote } from './reply-quote';
import type { PendingMessage } from './use-chat-room';

// The full picker opens on demand: fetched then, not shipped with every chat page (first-load JS budget).
// Offline, a picker never opened while online is not on the device: NeedsConnection says so instead of crashing.
const EmojiPicker = dynamic(() => import('./emoji-picker').then((module) => module.EmojiPicker, () => NeedsConnection));
// Pictures and files: only chats that have them fetch this code (first-load JS budget); rendered on the server too.
const MessageAttachments = dynamic(() => import('./attachments/message-attachments').then((module) => module.MessageAttachments, () => AttachmentsOffline));

/** Offline, attachment code never loaded while online is not on the device (their files are not either). */
function AttachmentsOffline() {
  return <p className="italic opacity-80">Attachments need a connection.</p>;
}

/** A stored message, or one of mine still in the outbox. */
export type Item = {
  key: string;
  senderId: string;
  body: string;
  createdAt: string;
  replyTo: ReplyPreviewDTO | null;
  message?: MessageDTO;
  pending?: PendingMessage;
  seq?: number;
};

export type Receipt = 'sent' | 'delivered' | 'read';

const receiptMarks: Record<Receipt, { mark: string; label: string }> = {
  sent: { mark: '✓', label: 'Sent' },
  delivered: { mark: '✓✓', label: 'Delivered' },
  read: { mark: '✓✓', label: 'Read' },
};

/** A press this long on a touch screen opens the actions, as in phone chat apps. */
const LONG_PRESS_MS = 500;

export type BubbleHandlers = {
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  onJump: (seq: number) => void;
  onReply: (message: MessageDTO) => void;
  onEdit: (message: MessageDTO) => void;
  onDelete: (message: MessageDTO) => void;
  onReact: (message: MessageDTO, emoji: string) => void;
  onCopy: (text: string) => void;
};

type Props = BubbleHandlers & {
  item: Item;
  mine: boolean;
  meId: string;
  receipt?: Receipt;
  nameOf: (userId: string) => string;
  mentions?: Mentions;
  highlighted: boolean;
  /** False for a former member: history to read, nothing to write. */
  canWrite: boolean;
};

export function MessageBubble(props: Props) {
  const { item, mine, meId, receipt, nameOf, mentions, highlighted, canWrite } = props;
  const message = item.message;
  const [menu, setMenu] = useState<{ canEdit: boolean } | null>(null);
  const [picking, setPicking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const pressTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const row = useRef<HTMLLIElement>(null);
  // Closing the picker or the question hands focus back to the message's actions button.
  const actionsButton = () => row.current?.querySelector<HTMLElement>('[aria-haspopup="menu"]');
  const refocus = () => actionsButton()?.focus();
  const status = item.pending ? item.pending.status : 'sent';
  // Still queued, but the server said it could not store it yet (or did not answer): shown, and retried.
  const notDelivered = status === 'sending' && item.pending?.error !== undefined;
  const deleted = message?.deleted ?? false;
  const actionable = message !== undefined && !deleted;
  // Mine still in the outbox show theirs too: they were stored before the message was.
  const attachments = message?.attachments ?? item.pending?.attachments ?? [];

  const openMenu = (open: boolean) => {
    // Whether the edit window is still open is decided when the menu opens, not while rendering.
    setMenu(open && message ? { canEdit: mine && canWrite && Date.now() - Date.parse(message.createdAt) < EDIT_WINDOW_MS } : null);
  };

  const onAction = (action: MessageAction) => {
    if (!message) return;
    if (action === 'reply') props.onReply(message);
    else if (action === 'edit') props.onEdit(message);
    else if (action === 'copy') props.onCopy(message.body);
    else if (action === 'delete') setConfirming(true);
    else setPicking(true);
  };

  const cancelPress = () => clearTimeout(pressTimer.current);

  return (
    <li
      ref={row}
      data-testid="message"
      data-status={notDelivered ? 'not-delivered' : status}
      data-seq={item.seq}
      data-receipt={mine ? receipt : undefined}
      data-deleted={deleted || undefined}
      data-edited={message?.editedAt ? true : undefined}
      data-highlighted={highlighted || undefined}
      className="group/message relative flex max-w-[85%] flex-col gap-1 sm:max-w-bubble"
    >
      <div className={`flex items-center gap-1 ${mine ? 'flex-row-reverse' : ''}`}>
        <div
          onPointerDown={(event) => {
            if (event.pointerType !== 'touch' || !actionable) return;
            pressTimer.current = setTimeout(() => openMenu(true), LONG_PRESS_MS);
          }}
          onPointerUp={cancelPress}
          onPointerMove={cancelPress}
          onPointerCancel={cancelPress}
          onContextMenu={(event) => {
            // The long press opened our menu: the browser's own would cover it.
            if (menu) event.preventDefault();
          }}
          className={`min-w-0 rounded-2xl px-3.5 py-2 transition-shadow duration-500 ${mine ? 'bg-bubble-own text-bubble-own-ink' : 'bg-bubble-other text-bubble-other-ink'} ${
            status === 'failed' ? 'opacity-70' : ''
          } ${highlighted ? 'shadow-[0_0_0_3px_var(--surface),0_0_0_6px_var(--accent)]' : ''}`}
        >
          {item.replyTo && !deleted ? <ReplyQuote reply={item.replyTo} name={nameOf(item.replyTo.senderId)} mine={mine} onJump={props.onJump} /> : null}
          {deleted ? (
            <p className="italic opacity-80">This message was deleted</p>
          ) : (
            <>
              {attachments.length ? <MessageAttachments attachments={attachments} /> : null}
              {item.body ? <MessageText text={item.body} mentions={mentions} /> : null}
            </>
          )}
        </div>
        {actionable ? (
          <MessageActions
            open={menu !== null}
            onOpenChange={openMenu}
            canEdit={menu?.canEdit ?? false}
            canDelete={mine && canWrite}
            canWrite={canWrite}
            mine={mine}
            onReact={(emoji) => props.onReact(message, emoji)}
            onAction={onAction}
          />
        ) : null}
      </div>
      {message && !deleted ? (
        <Reactions reactions={message.reactions} meId={meId} nameOf={nameOf} mine={mine} disabled={!canWrite} onToggle={(emoji) => props.onReact(message, emoji)} />
      ) : null}
      {/* One line tall before the time is filled in after hydration, so the conversation does not shift then. */}
      <span className={`flex min-h-[1lh] items-center gap-1 px-1 text-[11px] text-muted ${mine ? 'justify-end' : ''}`}>
        {message?.editedAt && !deleted ? <span title="Edited">edited</span> : null}
        <Time iso={item.createdAt} />
        {mine && receipt ? (
          <span role="img" aria-label={receiptMarks[receipt].label} className={receipt === 'read' ? 'font-semibold text-accent' : ''}>
            {receiptMarks[receipt].mark}
          </span>
        ) : null}
        {status === 'sending' ? <span>{notDelivered ? 'Not delivered yet · retrying' : 'Sending…'}</span> : null}
      </span>
      {item.pending?.status === 'failed' ? (
        <span role="alert" className="flex flex-wrap items-center justify-end gap-2 px-1 text-xs text-danger">
          Not sent: {errorMessages[item.pending.error ?? 'internal']}
          <button type="button" className="font-semibold underline" onClick={() => props.onRetry(item.key)}>
            Retry
          </button>
          <button type="button" className="font-semibold underline" onClick={() => props.onDiscard(item.key)}>
            Discard
          </button>
        </span>
      ) : null}
      {picking && message ? (
        <div className={`absolute top-full z-20 mt-1 ${mine ? 'right-0' : 'left-0'}`}>
          <EmojiPicker
            onPick={(emoji) => {
              setPicking(false);
              props.onReact(message, emoji);
            }}
            onClose={(back) => {
              setPicking(false);
              if (back) refocus();
            }}
          />
        </div>
      ) : null}
      {confirming && message ? (
        <ConfirmDelete
          onConfirm={() => {
            setConfirming(false);
            props.onDelete(message);
          }}
          onCancel={() => setConfirming(false)}
          // The Delete item that opened it is gone with its menu: the focus goes back to the message's actions button.
          returnFocusTo={actionsButton}
        />
      ) : null}
    </li>
  );
}

/**
 * A modal question before deleting for everyone; Escape, × or Cancel (focused first, so Enter is safe) keeps the
 * message. On the shared Dialog, already on the page: no second dialog implementation in the first-load JS.
 */
function ConfirmDelete({ onConfirm, onCancel, returnFocusTo }: { onConfirm: () => void; onCancel: () => void; returnFocusTo: () => HTMLElement | null | undefined }) {
  return (
    <Dialog title="Delete this message?" onClose={onCancel} returnFocusTo={returnFocusTo} className="max-w-[22rem]!">
      <p className="text-sm text-muted">It will be deleted for everyone in this chat.</p>
      <div className="mt-4 flex justify-end gap-2">
        <button type="button" data-autofocus onClick={onCancel} className="rounded-lg px-4 py-2 text-sm font-semibold hover:bg-surface-alt">
          Cancel
        </button>
        <button type="button" onClick={onConfirm} className="rounded-lg bg-danger px-4 py-2 text-sm font-semibold text-surface">
          Delete for everyone
        </button>
      </div>
    </Dialog>
  );
}
