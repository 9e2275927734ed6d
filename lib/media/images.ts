import sharp, { type Sharp } from 'sharp';

/**
 * Pictures are decoded and re-encoded, never stored as uploaded: that applies the EXIF orientation and drops every
 * piece of metadata (EXIF with GPS position and camera serial, XMP, IPTC, comments), which sharp removes unless asked
 * to keep it (no withMetadata/keepExif here).
 *
 * Resources, for a 2-core machine shared with Postgres and Node's own event loop:
 * - sharp runs on libuv's thread pool, off the event loop. concurrency(1) makes each image use one libvips thread, and
 *   `limit` below runs at most two images at once: two cores' worth of work, never more, and a burst of uploads queues
 *   instead of every decode competing (and holding its pixels in memory) at the same time.
 * - cache(false): every upload is a different image, so libvips' operation cache only holds memory.
 * - MAX_INPUT_PIXELS: a small file can declare a huge canvas (a decompression bomb); 50 megapixels (a 8660×5770
 *   photo, ~200 MB decoded) is above any phone camera and refused from the header, before decoding.
 */
sharp.concurrency(1);
sharp.cache(false);

export const MAX_INPUT_PIXELS = 50_000_000;
const SIMULTANEOUS_IMAGES = 2;
export const THUMB_MAX_SIDE = 640;
export const AVATAR_SIDE = 256;

/** An upload that claims to be a picture but cannot be used as one: the route answers invalid_input. */
export class ImageRejectedError extends Error {
  readonly code = 'invalid_input' as const;
  constructor(
    readonly reason: 'too_many_pixels' | 'undecodable' | 'unsupported_format',
    cause?: unknown,
  ) {
    super(`Image rejected: ${reason}`, { cause });
    this.name = 'ImageRejectedError';
  }
}

export interface PreparedImage {
  original: { data: Buffer; mime: string; width: number; height: number };
  thumb: { data: Buffer; mime: 'image/webp'; width: number; height: number };
}

const ENCODERS = {
  jpeg: { mime: 'image/jpeg', encode: (image: Sharp) => image.jpeg({ quality: 85 }) },
  png: { mime: 'image/png', encode: (image: Sharp) => image.png() },
  webp: { mime: 'image/webp', encode: (image: Sharp) => image.webp({ quality: 88 }) },
  gif: { mime: 'image/gif', encode: (image: Sharp) => image.gif() },
} as const;

// At most SIMULTANEOUS_IMAGES jobs; a finishing job hands its slot straight to the next waiter (first come, first
// served), so a newcomer can never slip in between and exceed the bound.
let running = 0;
const waiting: (() => void)[] = [];
async function limit<T>(work: () => Promise<T>): Promise<T> {
  if (running < SIMULTANEOUS_IMAGES) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/**
 * `animated`: every frame of a GIF or WebP animation, else the first only. failOn 'error' still accepts the many
 * phone JPEGs with harmless warnings but refuses truncated or corrupt data.
 */
const open = (input: Buffer, animated = false) =>
  sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, animated, failOn: 'error' });

function toRejection(error: unknown): ImageRejectedError {
  if (error instanceof ImageRejectedError) return error;
  const message = error instanceof Error ? error.message : '';
  return new ImageRejectedError(/pixel limit/i.test(message) ? 'too_many_pixels' : 'undecodable', error);
}

/** Only the four formats sniffFile calls images: sharp would also render SVG, HEIF, TIFF... which we never want to. */
async function readFormat(input: Buffer): Promise<{ format: keyof typeof ENCODERS; pages?: number }> {
  const { format, pages } = await open(input).metadata();
  if (format !== 'jpeg' && format !== 'png' && format !== 'webp' && format !== 'gif') {
    throw new ImageRejectedError('unsupported_format');
  }
  return { format, pages };
}

/** Height of one frame: sharp stacks an animation's frames vertically. */
const frameHeight = (info: { height: number; pageHeight?: number }) => info.pageHeight ?? info.height;

/**
 * The stored original (same format, oriented, metadata-free; GIF and WebP animations keep every frame) and a WebP
 * thumbnail whose longest side is at most THUMB_MAX_SIDE (never enlarged; animated when the original is).
 * Throws ImageRejectedError for anything that is not a decodable JPEG, PNG, WebP or GIF within MAX_INPUT_PIXELS.
 */
export function prepareImage(input: Buffer): Promise<PreparedImage> {
  return limit(async () => {
    try {
      const { format, pages = 1 } = await readFormat(input);
      const animated = pages > 1;
      const encoder = ENCODERS[format];
      const original = await encoder.encode(open(input, animated).rotate()).toBuffer({ resolveWithObject: true });
      const thumb = await open(input, animated)
        .rotate()
        .resize({ width: THUMB_MAX_SIDE, height: THUMB_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer({ resolveWithObject: true });
      return {
        original: { data: original.data, mime: encoder.mime, width: original.info.width, height: frameHeight(original.info) },
        thumb: { data: thumb.data, mime: 'image/webp', width: thumb.info.width, height: frameHeight(thumb.info) },
      };
    } catch (error) {
      throw toRejection(error);
    }
  });
}

/** A square AVATAR_SIDE WebP: oriented, cropped around what libvips finds most interesting, metadata-free. */
export function prepareAvatar(input: Buffer): Promise<Buffer> {
  return limit(async () => {
    try {
      await readFormat(input);
      return await open(input)
        .rotate()
        .resize({ width: AVATAR_SIDE, height: AVATAR_SIDE, fit: 'cover', position: 'attention' })
        .webp({ quality: 85 })
        .toBuffer();
    } catch (error) {
      throw toRejection(error);
    }
  });
}
