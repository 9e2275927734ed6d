'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type ChangeEvent } from 'react';
import { Avatar } from '@/components/chat/avatar';
import { errorMessages } from '@/components/ui/error-messages';
import type { ErrorCode } from '@/lib/errors';
import { AVATAR_MAX_BYTES } from '@/lib/realtime/limits';

type Props = {
  /** PUT the file here (its raw bytes), DELETE to go back to initials: /api/avatars/me or /api/avatars/groups/<id>. */
  endpoint: string;
  /** The picture as the server last said (null: initials). */
  currentUrl: string | null;
  /** Whose initials and colour show without a picture. */
  name: string;
  id: string;
  uploadLabel: string;
  removeLabel: string;
  /**
   * After a change, re-render the page's server components (my own picture in Settings and the sidebar). A group
   * needs none: its summary comes back through chat:updated.
   */
  refreshPage?: boolean;
  /** 'center': the picture above its buttons, for the centred head of Group info. */
  align?: 'start' | 'center';
};

/** A picture's own sentences: the shared ones for these codes speak of attachments. */
const sentences: Partial<Record<ErrorCode, string>> = {
  too_large: `That picture is too big: it can be up to ${AVATAR_MAX_BYTES / 1024 / 1024} MB.`,
  invalid_input: 'That file is not a picture Parley can use. Choose a JPEG, PNG, WebP or GIF image.',
};
const sentenceFor = (code: ErrorCode) => sentences[code] ?? errorMessages[code];

/** What the server answered: ok, or the error code it gave (unavailable when it could not be reached). */
async function send(endpoint: string, init: RequestInit): Promise<{ ok: true } | { ok: false; error: ErrorCode }> {
  try {
    const response = await fetch(endpoint, { ...init, cache: 'no-store' });
    const body = (await response.json().catch(() => null)) as { ok: boolean; error?: ErrorCode } | null;
    if (body?.ok) return { ok: true };
    return { ok: false, error: body?.error ?? (response.status === 413 ? 'too_large' : 'internal') };
  } catch {
    return { ok: false, error: 'unavailable' };
  }
}

/**
 * The picture, "Upload" and "Remove". A chosen file shows at once, cropped to the circle as the server will
 * crop it, and uploads straight away; it stays shown until the new picture's URL arrives, or goes on failure.
 */
export function AvatarUpload({ endpoint, currentUrl, name, id, uploadLabel, removeLabel, refreshPage = false, align = 'start' }: Props) {
  const router = useRouter();
  const inputId = useId();
  const [busy, setBusy] = useState<'uploading' | 'removing' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Shown while it replaces `replaces`: once the server's URL moves on, the real picture takes over.
  const [preview, setPreview] = useState<{ url: string; replaces: string | null } | null>(null);
  const previewUrl = preview && (busy === 'uploading' || preview.replaces === currentUrl) ? preview.url : null;

  async function change(work: 'uploading' | 'removing', init: RequestInit, success: string) {
    setBusy(work);
    setError(null);
    setDone(null);
    const result = await send(endpoint, init);
    setBusy(null);
    if (!result.ok) {
      setPreview(null);
      return setError(sentenceFor(result.error));
    }
    setDone(success);
    if (refreshPage) router.refresh();
  }

  function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    // The same file may be chosen again after a failure.
    event.target.value = '';
    if (!file) return;
    if (file.size > AVATAR_MAX_BYTES) return setError(sentenceFor('too_large'));
    if (preview) URL.revokeObjectURL(preview.url);
    setPreview({ url: URL.createObjectURL(file), replaces: currentUrl });
    void change('uploading', { method: 'PUT', body: file }, 'Picture updated.');
  }

  const remove = () => {
    setPreview(null);
    void change('removing', { method: 'DELETE' }, 'Picture removed.');
  };

  return (
    <div className={`flex flex-col gap-3 ${align === 'center' ? 'items-center text-center' : ''}`}>
      <div className={`flex items-center gap-4 ${align === 'center' ? 'flex-col' : 'flex-wrap'}`}>
        <span data-testid="avatar-preview" data-state={previewUrl ? 'preview' : currentUrl ? 'picture' : 'initials'}>
          <Avatar name={name} id={id} url={previewUrl ?? currentUrl} size="lg" />
        </span>
        <div className="flex flex-wrap items-center justify-center gap-2">
          {/* A real, focusable file input under a label that looks like a button: keyboard and screen readers get the native control. */}
          <label
            htmlFor={inputId}
            className={`inline-flex cursor-pointer items-center justify-center rounded-lg bg-accent px-4 py-2 text-sm font-semibold text-accent-ink hover:opacity-90 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 ${busy ? 'pointer-events-none opacity-60' : ''}`}
          >
            {busy === 'uploading' ? 'Uploading…' : uploadLabel}
            <input id={inputId} type="file" accept="image/*" className="sr-only" disabled={busy !== null} onChange={choose} aria-label={uploadLabel} />
          </label>
          {currentUrl && !previewUrl ? (
            <button type="button" onClick={remove} disabled={busy !== null} className="rounded-lg px-4 py-2 text-sm font-semibold text-danger hover:bg-surface-alt disabled:opacity-60">
              {busy === 'removing' ? 'Removing…' : removeLabel}
            </button>
          ) : null}
        </div>
      </div>
      <p className="text-xs text-muted">JPEG, PNG, WebP or GIF, up to {AVATAR_MAX_BYTES / 1024 / 1024} MB; cropped to a square.</p>
      {error ? (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      ) : null}
      <p role="status" className="sr-only">
        {done}
      </p>
    </div>
  );
}
