'use client';

import { useState } from 'react';
import { errorMessages } from '@/components/ui/error-messages';
import type { Upload } from './attachment-tray';
import { FileIcon } from './file-icon';
import { formatSize, truncateMiddle } from './format';

type Props = { upload: Upload; onRemove: () => void; onRetry: () => void };

/**
 * One attached file above the field: a preview (the image itself, from a blob: URL, or a file icon), its name and
 * size, a progress bar while it uploads, and why it failed with Retry. × cancels an upload or removes the file.
 */
export function AttachmentChip({ upload, onRemove, onRetry }: Props) {
  const { file, preview, stored, error } = upload;
  // A type the browser cannot show (HEIC, say) falls back to the icon.
  const [broken, setBroken] = useState(false);
  const uploading = !stored && !error;
  const percent = Math.round(upload.progress * 100);
  return (
    <li
      data-testid="attachment-chip"
      data-state={error ? 'failed' : stored ? 'stored' : 'uploading'}
      className={`relative flex w-60 shrink-0 flex-col gap-1 rounded-xl border bg-surface-alt p-2 text-sm ${error ? 'border-danger' : 'border-line'}`}
    >
      <div className="flex items-center gap-2 pr-7">
        {preview && !broken ? (
          // eslint-disable-next-line @next/next/no-img-element -- a local blob: URL, not an optimisable asset
          <img src={preview} alt="" data-testid="chip-preview" onError={() => setBroken(true)} className="h-11 w-11 shrink-0 rounded-lg object-cover" />
        ) : (
          <FileIcon className="h-11 w-11 shrink-0 p-1.5 text-muted" />
        )}
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium" title={file.name}>
            {truncateMiddle(file.name, 28)}
          </p>
          <p className="text-xs text-muted">
            {formatSize(file.size)}
            {uploading ? ` · ${percent}%` : null}
          </p>
        </div>
      </div>
      {uploading ? (
        <progress max={100} value={percent} aria-label={`Uploading ${file.name}`} className="h-1.5 w-full accent-accent" />
      ) : null}
      {error ? (
        <div role="alert" className="flex flex-col gap-1 text-xs text-danger">
          <p>{errorMessages[error]}</p>
          {error !== 'too_large' && error !== 'invalid_input' ? (
            <button type="button" onClick={onRetry} aria-label={`Retry uploading ${file.name}`} className="self-start font-semibold underline">
              Retry
            </button>
          ) : null}
        </div>
      ) : null}
      <button
        type="button"
        onClick={onRemove}
        aria-label={uploading ? `Cancel uploading ${file.name}` : `Remove ${file.name}`}
        className="absolute top-1 right-1 h-8 w-8 rounded-full text-lg leading-none text-muted hover:bg-surface hover:text-ink"
      >
        ×
      </button>
    </li>
  );
}
