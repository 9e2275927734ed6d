'use client';

import dynamic from 'next/dynamic';
import { useState } from 'react';
import { NeedsConnection } from '@/components/ui/needs-connection';
import type { AttachmentDTO } from '@/lib/realtime/events';
import { attachmentUrl } from '@/lib/realtime/limits';
import { FileIcon } from './file-icon';
import { fileTypeLabel, formatSize, truncateMiddle } from './format';

// The full-size viewer loads when a picture is first opened.
const AttachmentViewer = dynamic(() => import('./attachment-viewer').then((module) => module.AttachmentViewer, () => NeedsConnection));

/** The longest side a single picture takes in a bubble, in CSS pixels; several share a two-column grid. */
const SINGLE_MAX_PX = 320;

/**
 * A message's pictures (thumbnails; a click or Enter opens the viewer) and files (a card that downloads under the
 * original name), above its caption. Each thumbnail's box comes from the stored size, so nothing shifts as it loads.
 */
export function MessageAttachments({ attachments }: { attachments: AttachmentDTO[] }) {
  const images = attachments.filter((attachment) => attachment.kind === 'image');
  const files = attachments.filter((attachment) => attachment.kind !== 'image');
  const [open, setOpen] = useState<number | null>(null);
  return (
    <div className="mb-1 flex flex-col gap-1.5">
      {images.length > 0 ? (
        <ul aria-label="Pictures" className={`grid gap-1 ${images.length > 1 ? 'w-72 max-w-full grid-cols-2' : ''}`}>
          {images.map((image, index) => (
            <li key={image.id}>
              <button type="button" onClick={() => setOpen(index)} className="block w-full overflow-hidden rounded-xl" data-testid="attachment-thumbnail">
                <Thumbnail image={image} square={images.length > 1} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {files.map((file) => (
        <a
          key={file.id}
          href={attachmentUrl(file.id, 'download')}
          download={file.name}
          title={file.name}
          data-testid="attachment-file"
          className="flex min-w-0 items-center gap-2 rounded-xl bg-black/10 p-2 hover:bg-black/15"
        >
          <FileIcon className="h-9 w-9 shrink-0" />
          <span className="flex min-w-0 flex-col">
            <span className="truncate font-medium">{truncateMiddle(file.name)}</span>
            <span className="text-xs opacity-90">
              {fileTypeLabel(file.mime, file.name)} · {formatSize(file.size)}
            </span>
          </span>
        </a>
      ))}
      {open !== null ? <AttachmentViewer images={images} index={open} onIndex={setOpen} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

function Thumbnail({ image, square }: { image: AttachmentDTO; square: boolean }) {
  const width = image.width ?? SINGLE_MAX_PX;
  const height = image.height ?? SINGLE_MAX_PX;
  // One picture keeps its shape within SINGLE_MAX_PX; in a grid each is a square crop.
  const scale = Math.min(1, SINGLE_MAX_PX / Math.max(width, height));
  return (
    // eslint-disable-next-line @next/next/no-img-element -- served by our own access-checked route, already resized
    <img
      src={attachmentUrl(image.id, 'thumb')}
      alt={image.name}
      width={Math.round(width * scale)}
      height={Math.round(height * scale)}
      loading="lazy"
      decoding="async"
      className={`block max-w-full bg-black/10 object-cover ${square ? 'aspect-square h-auto w-full' : 'h-auto'}`}
    />
  );
}
