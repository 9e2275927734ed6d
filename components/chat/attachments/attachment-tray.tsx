'use client';

import { useEffect, useRef, useState } from 'react';
import type { ErrorCode } from '@/lib/errors';
import type { AttachmentDTO } from '@/lib/realtime/events';
import { ATTACHMENTS_PER_MESSAGE } from '@/lib/realtime/limits';
import { newClientId } from '@/lib/realtime/messages';
import { AttachmentChip } from './attachment-chip';
import { precheck } from './format';
import { deleteUpload, uploadAttachment } from './upload';

/** One file on its way into the message: uploading, stored (with its attachment), or failed (with why). */
export type Upload = {
  key: string;
  file: File;
  /** A blob: URL of the file for an image's preview; revoked when the chip goes. */
  preview: string | null;
  progress: number;
  stored: AttachmentDTO | null;
  error: ErrorCode | null;
};

type Props = {
  chatId: string;
  /** Files picked, dropped or pasted and not yet taken; each batch is taken once and handed back by `onTaken`. */
  queued: File[];
  onTaken: (batch: File[]) => void;
  /** How many files the message has, and whether a failed one blocks sending (until retried or removed). */
  onChange: (state: { count: number; blocked: boolean }) => void;
  /** Counts presses of Send (0 again after a send): each one sends as soon as every upload is stored. */
  sendRequests: number;
  /** Sends the composer's text with these stored attachments, in the order they were added. */
  onSend: (attachments: AttachmentDTO[]) => void;
  /** Where to show the drop zone while files are dragged over the chat (lib: use-file-drop.ts). */
  dropArea: DOMRect | null;
  /** Unused here; the offline fallback (NeedsConnection) calls it to drop the files it could not take. */
  onClose: () => void;
};

/**
 * The files attached to the message being written, each uploading from the moment it is added, as chips above the
 * field. Loaded on first use (next/dynamic) with the XMLHttpRequest machinery: the chat page's first-load JS budget.
 */
export function AttachmentTray({ chatId, queued, onTaken, onChange, sendRequests, onSend, dropArea }: Props) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [handled, setHandled] = useState(0);
  const aborts = useRef(new Map<string, () => void>());
  const held = useRef(0);
  const taken = useRef<File[] | null>(null);
  const mounted = useRef(true);

  const update = (key: string, change: Partial<Upload>) =>
    setUploads((list) => list.map((upload) => (upload.key === key ? { ...upload, ...change } : upload)));

  const start = (key: string, file: File) => {
    const { result, abort } = uploadAttachment(chatId, file, (progress) => update(key, { progress }));
    aborts.current.set(key, abort);
    void result.then((outcome) => {
      aborts.current.delete(key);
      if (!outcome) return; // Cancelled: the chip is gone already.
      if (!mounted.current && outcome.ok) return deleteUpload(outcome.data.id); // Finished after the composer left.
      update(key, outcome.ok ? { stored: outcome.data, progress: 1 } : { error: outcome.error });
    });
  };

  // Takes each batch once (React may run this twice in development), up to the per-message limit.
  useEffect(() => {
    if (queued.length === 0 || taken.current === queued) return;
    taken.current = queued;
    const room = Math.max(0, ATTACHMENTS_PER_MESSAGE - held.current);
    const added: Upload[] = queued.slice(0, room).map((file) => ({
      key: newClientId(),
      file,
      preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
      progress: 0,
      stored: null,
      error: precheck(file),
    }));
    held.current += added.length;
    for (const upload of added) if (!upload.error) start(upload.key, upload.file);
    setUploads((list) => [...list, ...added]);
    setNotice(queued.length > room ? `A message can carry up to ${ATTACHMENTS_PER_MESSAGE} files; ${queued.length - room} not added.` : null);
    onTaken(queued);
    // `start` and `onTaken` are fresh closures each render; the batch identity is what matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queued]);

  const count = uploads.length;
  const blocked = uploads.some((upload) => upload.error);
  const stored = uploads.flatMap((upload) => (upload.stored ? [upload.stored] : []));
  useEffect(() => {
    onChange({ count, blocked });
    // Reported when it changes, not on every render of the composer (a new `onChange` each time).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [count, blocked]);

  // A press of Send starts the wait; a failure (the person decides: retry or remove) or no file left ends it.
  if (sendRequests > handled) {
    setHandled(sendRequests);
    setWaiting(true);
  }
  if (waiting && (blocked || count === 0)) setWaiting(false);
  const ready = waiting && queued.length === 0 && count > 0 && stored.length === count;
  useEffect(() => {
    if (ready) onSend(stored);
    // Once, when everything is stored; the composer then closes this tray.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready]);

  // Leaving the chat cancels what is still uploading. Checked a moment later: React's development double mount
  // runs this cleanup and mounts again at once, and that must not cancel anything.
  const previews = useRef<Upload[]>([]);
  useEffect(() => {
    previews.current = uploads;
  });
  useEffect(() => {
    mounted.current = true;
    const running = aborts.current;
    return () => {
      mounted.current = false;
      setTimeout(() => {
        if (mounted.current) return;
        for (const abort of running.values()) abort();
        for (const upload of previews.current) if (upload.preview) URL.revokeObjectURL(upload.preview);
      }, 0);
    };
  }, []);

  const remove = (upload: Upload) => {
    aborts.current.get(upload.key)?.();
    if (upload.stored) deleteUpload(upload.stored.id);
    if (upload.preview) URL.revokeObjectURL(upload.preview);
    held.current -= 1;
    setUploads((list) => list.filter((u) => u.key !== upload.key));
    setNotice(null);
  };

  const retry = (upload: Upload) => {
    update(upload.key, { error: null, progress: 0 });
    start(upload.key, upload.file);
  };

  return (
    <>
      {dropArea ? (
        <div
          data-testid="drop-zone"
          style={{ top: dropArea.top, left: dropArea.left, width: dropArea.width, height: dropArea.height }}
          className="pointer-events-none fixed z-30 flex items-center justify-center rounded-2xl border-2 border-dashed border-accent bg-surface/90 text-lg font-semibold text-ink"
        >
          Drop files to attach
        </div>
      ) : null}
      <div className="mb-2 flex flex-col gap-1 empty:hidden">
        {uploads.length > 0 ? (
          <ul aria-label="Attachments" className="flex gap-2 overflow-x-auto pb-1">
            {uploads.map((upload) => (
              <AttachmentChip key={upload.key} upload={upload} onRemove={() => remove(upload)} onRetry={() => retry(upload)} />
            ))}
          </ul>
        ) : null}
        {notice ? (
          <p role="status" className="text-xs text-muted">
            {notice}
          </p>
        ) : null}
        {waiting ? (
          <p role="status" className="flex items-center gap-2 text-xs text-muted">
            Sending when uploads finish…
            <button type="button" onClick={() => setWaiting(false)} className="font-semibold text-ink underline">
              Don’t send yet
            </button>
          </p>
        ) : null}
      </div>
    </>
  );
}
