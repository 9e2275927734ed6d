'use client';

import dynamic from 'next/dynamic';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { NeedsConnection } from '@/components/ui/needs-connection';
import { useIsClient } from '@/components/ui/time';
import { MESSAGE_MAX_LENGTH } from '@/lib/errors';
import { readDraft, writeDraft } from '@/lib/offline/drafts';
import type { AttachmentDTO, MemberDTO } from '@/lib/realtime/events';
import { characterCount } from '@/lib/realtime/limits';
import { useFileDrop } from './attachments/use-file-drop';
import { findMentionQuery, matchMembers, MentionSuggestions, suggestionId } from './mention-suggestions';
import { ComposerContext } from './reply-quote';

const MAX_HEIGHT_PX = 200;

// Uploading (XMLHttpRequest, progress, chips) loads with the first file attached, not with every chat page
// (first-load JS budget). Offline, a tray never loaded while online is not on the device: NeedsConnection says so.
const AttachmentTray = dynamic(() => import('./attachments/attachment-tray').then((module) => module.AttachmentTray, () => NeedsConnection));

type Props = {
  /** Where this chat's unsent text is kept across reloads (lib/offline/drafts.ts). */
  draftKey: string;
  chatId: string;
  /** The text (may be empty when files are attached) and the stored attachments, in the order they were added. */
  onSend: (body: string, attachments?: AttachmentDTO[]) => void;
  onTyping: (typing: boolean) => void;
  /** The message being answered, shown above the field with × to cancel. */
  replyTo: { id: string; name: string; text: string } | null;
  onCancelReply: () => void;
  /** My message being edited: the field holds its text; Enter saves, Escape cancels. */
  editing: { id: string; body: string } | null;
  /** Resolves true once saved; on failure the composer stays in edit mode (the room shows why). */
  onSaveEdit: (body: string) => Promise<boolean>;
  onCancelEdit: () => void;
  /** Who `@` suggests (groups only): current members other than me. */
  mentionCandidates: MemberDTO[] | null;
  /** ArrowUp in an empty field edits my last message, as in Telegram and Slack. */
  onEditLast: () => void;
};

/**
 * Enter sends, Shift+Enter starts a new line. The limit is enforced here and again on the server.
 * In groups, `@` followed by letters suggests members (arrows, Enter or Tab to choose, Escape to close).
 */
export function MessageComposer({ draftKey, chatId, onSend, onTyping, replyTo, onCancelReply, editing, onSaveEdit, onCancelEdit, mentionCandidates, onEditLast }: Props) {
  const [draft, setDraft] = useState('');
  const [saving, setSaving] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const counterId = useId();
  const listId = useId();
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  // While editing, the unsent draft waits here and comes back afterwards.
  const [edit, setEdit] = useState<{ id: string; stashed: string } | null>(null);
  if ((edit?.id ?? null) !== (editing?.id ?? null)) {
    setEdit(editing ? { id: editing.id, stashed: edit ? edit.stashed : draft } : null);
    setDraft(editing ? editing.body : (edit?.stashed ?? ''));
    setMention(null);
  }
  const length = characterCount(draft);
  const tooLong = length > MESSAGE_MAX_LENGTH;
  const empty = draft.trim().length === 0;
  const suggestions = mention && mentionCandidates ? matchMembers(mentionCandidates, mention.query) : [];
  const active = suggestions[Math.min(activeIndex, suggestions.length - 1)];
  // Files picked, dropped or pasted wait in `queued` until the tray (loaded on first use) takes them. `files` is null
  // while no tray is open, else its chips' count and whether a failed upload blocks sending until retried or removed.
  // With files, Send asks the tray (`sendRequests`): it sends once every upload is stored.
  const [queued, setQueued] = useState<File[]>([]);
  const [files, setFiles] = useState<{ count: number; blocked: boolean } | null>(null);
  const [sendRequests, setSendRequests] = useState(0);
  const picker = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const attach = (list: FileList) => {
    const added = Array.from(list);
    setQueued((current) => [...current, ...added]);
    setFiles((current) => current ?? { count: 0, blocked: false });
  };
  const dropArea = useFileDrop(form, attach);
  // A drag of files opens the tray (and fetches its code), which shows the drop zone.
  if (dropArea && !files) setFiles({ count: 0, blocked: false });
  const withFiles = !editing && (queued.length > 0 || !!files?.count);
  const canSend = !tooLong && !saving && (!empty || withFiles) && !(withFiles && files?.blocked);

  // Ready to type on a desktop; on a phone, focusing would throw the keyboard over the conversation.
  useEffect(() => {
    if (window.matchMedia('(min-width: 768px)').matches) textarea.current?.focus();
  }, []);

  // The text left unsent here before a reload, read once hydrated (the server cannot know it). The room is keyed
  // by chat, so this happens once per chat opened.
  const isClient = useIsClient();
  const [restored, setRestored] = useState(false);
  if (isClient && !restored) {
    setRestored(true);
    if (!draft) setDraft(readDraft(draftKey));
  }
  /** Every change of the unsent text (not of a message being edited) is kept for the next visit. */
  const changeDraft = (text: string) => {
    setDraft(text);
    if (!edit) writeDraft(draftKey, text);
  };

  // Choosing Reply or Edit means typing next: focus the field (and put the caret at the end).
  const contextKey = editing ? `edit:${editing.id}` : replyTo ? `reply:${replyTo.id}` : null;
  useEffect(() => {
    const element = textarea.current;
    if (!contextKey || !element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
    resize();
  }, [contextKey]);

  function resize() {
    const element = textarea.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_HEIGHT_PX)}px`;
  }

  const updateMention = (value: string, caret: number | null) => {
    const next = caret === null ? null : findMentionQuery(value, caret);
    setMention((current) => (current?.start === next?.start && current?.query === next?.query ? current : next));
    if (next?.query !== mention?.query) setActiveIndex(0);
  };

  const choose = (member: MemberDTO) => {
    const element = textarea.current;
    if (!mention || !element) return;
    const caret = element.selectionStart;
    const inserted = `@${member.username} `;
    const next = draft.slice(0, mention.start) + inserted + draft.slice(caret);
    changeDraft(next);
    setMention(null);
    const position = mention.start + inserted.length;
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(position, position);
      resize();
    });
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    if (editing) {
      if (draft === editing.body) return onCancelEdit();
      setSaving(true);
      const saved = await onSaveEdit(draft);
      setSaving(false);
      if (saved) onCancelEdit();
      return;
    }
    textarea.current?.focus();
    if (withFiles) setSendRequests((count) => count + 1);
    else send([]);
  };

  const send = (attachments: AttachmentDTO[]) => {
    onSend(draft, attachments);
    setFiles(null);
    setSendRequests(0);
    changeDraft('');
    setMention(null);
    requestAnimationFrame(resize);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese …) must not send.
    if (event.nativeEvent.isComposing) return;
    if (suggestions.length > 0 && active) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActiveIndex((index) => (Math.min(index, suggestions.length - 1) + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        return choose(active);
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        return setMention(null);
      }
    }
    if (event.key === 'Escape' && (editing || replyTo)) {
      event.preventDefault();
      return editing ? onCancelEdit() : onCancelReply();
    }
    if (event.key === 'ArrowUp' && draft === '' && !editing && !withFiles) {
      event.preventDefault();
      return onEditLast();
    }
    if (event.key === 'Enter' && !event.shiftKey) void submit(event);
  };

  return (
    <form ref={form} onSubmit={submit} className="relative border-t border-line bg-surface px-3 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
      {suggestions.length > 0 ? (
        <MentionSuggestions id={listId} members={suggestions} activeIndex={Math.min(activeIndex, suggestions.length - 1)} onChoose={choose} onHover={setActiveIndex} />
      ) : null}
      {editing ? (
        <ComposerContext label="Editing" title="Edit message" text={editing.body} onCancel={onCancelEdit} />
      ) : replyTo ? (
        <ComposerContext label="Replying" title={`Reply to ${replyTo.name}`} text={replyTo.text} onCancel={onCancelReply} />
      ) : null}
      {files ? (
        <AttachmentTray
          chatId={chatId}
          queued={queued}
          onTaken={(batch) => setQueued((current) => current.filter((file) => !batch.includes(file)))}
          onChange={setFiles}
          sendRequests={sendRequests}
          onSend={send}
          dropArea={dropArea}
          onClose={() => {
            setQueued([]);
            setFiles(null);
          }}
        />
      ) : null}
      <div className="flex items-end gap-2">
        {editing ? null : (
          <button
            type="button"
            aria-label="Attach files"
            title="Attach files"
            onClick={() => picker.current?.click()}
            className="flex h-11 w-11 shrink-0 items-center justify-center rounded-full text-muted hover:bg-surface-alt hover:text-ink"
          >
            <svg viewBox="0 0 24 24" aria-hidden="true" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
              <path d="m20 11.5-8.1 8.1a5 5 0 0 1-7.1-7.1l8.5-8.5a3.4 3.4 0 0 1 4.8 4.8l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />
            </svg>
          </button>
        )}
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="attach-input"
          onChange={(event) => {
            if (event.target.files) attach(event.target.files);
            event.target.value = ''; // the same file can be picked again
          }}
        />
        <textarea
          ref={textarea}
          aria-label="Message"
          aria-describedby={tooLong ? counterId : undefined}
          aria-invalid={tooLong || undefined}
          aria-autocomplete={mentionCandidates ? 'list' : undefined}
          aria-controls={suggestions.length > 0 ? listId : undefined}
          aria-activedescendant={suggestions.length > 0 && active ? suggestionId(listId, active.id) : undefined}
          placeholder={editing ? 'Edit your message' : 'Write a message'}
          rows={1}
          value={draft}
          onChange={(event) => {
            changeDraft(event.target.value);
            if (!editing) onTyping(event.target.value.trim().length > 0);
            updateMention(event.target.value, event.target.selectionStart);
            resize();
          }}
          onSelect={(event) => updateMention(event.currentTarget.value, event.currentTarget.selectionStart)}
          onBlur={() => {
            onTyping(false);
            setMention(null);
          }}
          onKeyDown={onKeyDown}
          onPaste={(event) => {
            const clipboard = event.clipboardData;
            // Text copied from an office app or a web page comes with a picture of itself: the text wins then.
            const textToo = clipboard.types.includes('text/html') && clipboard.getData('text/plain').trim() !== '';
            if (editing || clipboard.files.length === 0 || textToo) return;
            event.preventDefault();
            attach(clipboard.files);
          }}
          className="max-h-[200px] min-h-11 flex-1 resize-none rounded-2xl border border-line bg-surface-alt px-4 py-2.5 text-base placeholder:text-muted"
        />
        <button
          type="submit"
          disabled={!canSend}
          className="h-11 shrink-0 rounded-full bg-accent px-5 text-sm font-semibold text-accent-ink disabled:opacity-50"
        >
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
      {length > MESSAGE_MAX_LENGTH - 200 ? (
        <p id={counterId} role={tooLong ? 'alert' : undefined} className={`mt-1 text-right text-xs ${tooLong ? 'text-danger' : 'text-muted'}`}>
          {length.toLocaleString()} / {MESSAGE_MAX_LENGTH.toLocaleString()}
          {tooLong ? ' — too long to send' : ''}
        </p>
      ) : null}
    </form>
  );
}
