'use client';

import { useEffect, useEffectEvent } from 'react';
import { Dialog } from '@/components/ui/dialog';
import type { AttachmentDTO } from '@/lib/realtime/events';
import { attachmentUrl } from '@/lib/realtime/limits';
import { formatSize } from './format';

type Props = {
  /** The message's pictures, in order; the viewer moves between them. */
  images: AttachmentDTO[];
  index: number;
  onIndex: (index: number) => void;
  onClose: () => void;
};

const control = 'rounded-lg px-3 py-2 text-sm font-semibold hover:bg-surface-alt';

/**
 * One picture at full size, fitted to the screen, with its name, a Download link and, for several, Previous and
 * Next (also ← and →). Escape or × closes and gives the focus back to the thumbnail that opened it (Dialog).
 */
export function AttachmentViewer({ images, index, onIndex, onClose }: Props) {
  const image = images[index];
  const several = images.length > 1;
  // Past the last comes the first again: no button ever turns disabled under the focus.
  const go = (step: number) => onIndex((index + step + images.length) % images.length);
  const onArrow = useEffectEvent(go);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        event.preventDefault();
        onArrow(event.key === 'ArrowLeft' ? -1 : 1);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  if (!image) return null;

  return (
    <Dialog title={image.name} onClose={onClose} className="max-w-5xl!">
      <figure className="flex flex-col items-center gap-3">
        {/* eslint-disable-next-line @next/next/no-img-element -- the original, from our own access-checked route */}
        <img
          key={image.id}
          src={attachmentUrl(image.id)}
          alt={image.name}
          width={image.width ?? undefined}
          height={image.height ?? undefined}
          data-testid="viewer-image"
          className="block h-auto max-h-[calc(85dvh-10rem)] w-auto max-w-full rounded-lg bg-surface-alt object-contain"
        />
        <figcaption className="flex w-full flex-wrap items-center justify-between gap-2">
          <span className="text-sm text-muted">
            {several ? `${index + 1} of ${images.length} · ` : ''}
            {image.width && image.height ? `${image.width} × ${image.height} · ` : ''}
            {formatSize(image.size)}
          </span>
          <span className="flex items-center gap-1">
            {several ? (
              <>
                <button type="button" className={control} onClick={() => go(-1)} aria-label="Previous picture">
                  ←
                </button>
                <button type="button" className={control} onClick={() => go(1)} aria-label="Next picture">
                  →
                </button>
              </>
            ) : null}
            <a href={attachmentUrl(image.id, 'download')} download={image.name} className={`${control} text-accent`}>
              Download
            </a>
          </span>
        </figcaption>
      </figure>
    </Dialog>
  );
}
