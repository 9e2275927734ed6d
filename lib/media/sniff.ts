import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes of an upload sniffFile needs: file-type's own detection window. */
export const SNIFF_BYTES = 4100;

/**
 * The only types shown inline as pictures (and given a thumbnail): every browser renders them and sharp re-encodes
 * them. SVG is never one (it can carry scripts); HEIC, AVIF, TIFF, APNG... are kept and offered as files.
 */
export const IMAGE_MIMES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export type ImageMime = (typeof IMAGE_MIMES)[number];

export interface SniffedType {
  kind: 'image' | 'file';
  /** What the bytes are, never what the name or the browser claims; application/octet-stream when unknown. */
  mime: string;
  /** The usual extension for `mime`, without a dot, when known. */
  ext?: string;
}

export const isImageMime = (mime: string): mime is ImageMime => (IMAGE_MIMES as readonly string[]).includes(mime);

/** The type of an upload from its first bytes (pass at least SNIFF_BYTES when the file is that long). */
export async function sniffFile(head: Uint8Array): Promise<SniffedType> {
  const detected = await fileTypeFromBuffer(head);
  if (!detected) return { kind: 'file', mime: 'application/octet-stream' };
  return { kind: isImageMime(detected.mime) ? 'image' : 'file', mime: detected.mime, ext: detected.ext };
}
