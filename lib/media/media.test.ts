import { Readable } from 'node:stream';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { splitHead } from './head';
import { AVATAR_SIDE, ImageRejectedError, MAX_INPUT_PIXELS, THUMB_MAX_SIDE, prepareAvatar, prepareImage } from './images';
import { SNIFF_BYTES, sniffFile } from './sniff';

const RED = { r: 255, g: 0, b: 0, alpha: 1 };
const BLUE = { r: 0, g: 0, b: 255, alpha: 1 };

/** A blue `width`×`height` picture whose top-left 40×40 corner is red: where the red ends up shows the rotation. */
function markedPicture(width: number, height: number) {
  const corner = sharp({ create: { width: 40, height: 40, channels: 3, background: RED } }).png();
  return corner.toBuffer().then((red) =>
    sharp({ create: { width, height, channels: 3, background: BLUE } }).composite([{ input: red, left: 0, top: 0 }]),
  );
}

/** A phone photo: stored landscape 300×200 with "rotate 90° clockwise to view" (Orientation 6), GPS and XMP. */
async function phonePhoto(): Promise<Buffer> {
  const picture = await markedPicture(300, 200);
  const raw = await picture.png().toBuffer();
  return sharp(raw)
    .withExif({
      IFD0: { Make: 'Parley', Model: 'TestPhone' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' },
    })
    .withMetadata({ orientation: 6 })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><secret>home address</secret></x:xmpmeta>')
    .jpeg()
    .toBuffer();
}

async function pixelAt(image: Buffer, left: number, top: number): Promise<number[]> {
  return [...(await sharp(image).extract({ left, top, width: 1, height: 1 }).removeAlpha().raw().toBuffer())];
}

const isRed = ([r, g, b]: number[]) => r! > 200 && g! < 60 && b! < 60;
const isBlue = ([r, g, b]: number[]) => r! < 60 && g! < 60 && b! > 200;

async function expectNoMetadata(image: Buffer) {
  const metadata = await sharp(image).metadata();
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
  expect(metadata.orientation).toBeUndefined();
  expect(metadata.comments).toBeUndefined();
  expect(metadata.icc).toBeUndefined();
}

/** A 3-frame 60×40 animated GIF (red, blue, red). */
async function animatedGif(): Promise<Buffer> {
  const frame = (background: typeof RED) => sharp({ create: { width: 60, height: 40, channels: 4, background } }).png().toBuffer();
  const frames = await Promise.all([frame(RED), frame(BLUE), frame(RED)]);
  return sharp(frames, { join: { animated: true } }).gif({ delay: [100, 100, 100] }).toBuffer();
}

describe('prepareImage', () => {
  it('applies the EXIF orientation and strips EXIF, GPS and XMP', async () => {
    const photo = await phonePhoto();
    const before = await sharp(photo).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.toString('latin1')).toContain('TestPhone');
    // The GPS IFD pointer tag 0x8825, in either byte order.
    expect([[0x88, 0x25], [0x25, 0x88]].some((tag) => before.exif?.includes(Buffer.from(tag)))).toBe(true);
    expect(before.xmp?.toString()).toContain('home address');

    const { original, thumb } = await prepareImage(photo);
    expect(original).toMatchObject({ mime: 'image/jpeg', width: 200, height: 300 });
    expect(await sharp(original.data).metadata()).toMatchObject({ format: 'jpeg', width: 200, height: 300 });
    // Turned clockwise: the stored top-left corner is now the top-right one.
    expect(isRed(await pixelAt(original.data, 190, 10))).toBe(true);
    expect(isBlue(await pixelAt(original.data, 10, 10))).toBe(true);
    expect(original.data.toString('latin1')).not.toContain('TestPhone');
    await expectNoMetadata(original.data);

    expect(thumb).toMatchObject({ mime: 'image/webp', width: 200, height: 300 });
    expect(isRed(await pixelAt(thumb.data, 190, 10))).toBe(true);
    await expectNoMetadata(thumb.data);
  });

  it('makes a WebP thumbnail whose longest side is at most 640 px, never enlarging a small picture', async () => {
    const wide = await (await markedPicture(2000, 1000)).png().toBuffer();
    const { original, thumb } = await prepareImage(wide);
    expect(original).toMatchObject({ mime: 'image/png', width: 2000, height: 1000 });
    expect(thumb).toMatchObject({ width: THUMB_MAX_SIDE, height: 320 });
    expect(await sharp(thumb.data).metadata()).toMatchObject({ format: 'webp', width: 640, height: 320 });

    const tall = await (await markedPicture(500, 1500)).webp().toBuffer();
    const tallResult = await prepareImage(tall);
    expect(tallResult.original.mime).toBe('image/webp');
    expect(tallResult.thumb).toMatchObject({ width: 213, height: 640 });

    const small = await (await markedPicture(100, 50)).jpeg().toBuffer();
    expect((await prepareImage(small)).thumb).toMatchObject({ width: 100, height: 50 });
  });

  it('keeps a PNG with transparency a PNG, transparency included', async () => {
    const input = await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: await sharp({ create: { width: 16, height: 16, channels: 4, background: RED } }).png().toBuffer() }])
      .png()
      .toBuffer();
    const { original, thumb } = await prepareImage(input);
    expect(original.mime).toBe('image/png');
    const metadata = await sharp(original.data).metadata();
    expect(metadata).toMatchObject({ format: 'png', hasAlpha: true });
    const [, , , alpha] = await sharp(original.data).extract({ left: 0, top: 0, width: 1, height: 1 }).raw().toBuffer();
    expect(alpha).toBe(0);
    expect((await sharp(thumb.data).metadata()).hasAlpha).toBe(true);
  });

  it('keeps every frame of an animated GIF, and animates its thumbnail', async () => {
    const { original, thumb } = await prepareImage(await animatedGif());
    expect(original).toMatchObject({ mime: 'image/gif', width: 60, height: 40 });
    expect(await sharp(original.data, { animated: true }).metadata()).toMatchObject({ format: 'gif', pages: 3, pageHeight: 40 });
    expect(thumb).toMatchObject({ width: 60, height: 40 });
    expect(await sharp(thumb.data, { animated: true }).metadata()).toMatchObject({ format: 'webp', pages: 3 });
    await expectNoMetadata(original.data);
  });

  it('refuses a small file declaring a huge canvas (decompression bomb) before decoding it', async () => {
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: BLUE } }).jpeg().toBuffer();
    // Baseline JPEG: the SOF0 segment holds height and width; claim 20000×20000 (400 megapixels) in a 1 KB file.
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    const bomb = Buffer.from(jpeg);
    bomb.writeUInt16BE(20_000, sof + 5);
    bomb.writeUInt16BE(20_000, sof + 7);
    expect(20_000 * 20_000).toBeGreaterThan(MAX_INPUT_PIXELS);
    await expect(prepareImage(bomb)).rejects.toMatchObject({ name: 'ImageRejectedError', code: 'invalid_input', reason: 'too_many_pixels' });
    await expect(prepareAvatar(bomb)).rejects.toMatchObject({ reason: 'too_many_pixels' });
  });

  it('refuses what is not a decodable JPEG, PNG, WebP or GIF', async () => {
    const png = await sharp({ create: { width: 200, height: 200, channels: 3, background: BLUE } }).png().toBuffer();
    const truncated = png.subarray(0, 60);
    await expect(prepareImage(truncated)).rejects.toMatchObject({ reason: 'undecodable' });
    await expect(prepareImage(Buffer.from('<html>not a picture</html>'))).rejects.toBeInstanceOf(ImageRejectedError);
    const tiff = await sharp(png).tiff().toBuffer();
    await expect(prepareImage(tiff)).rejects.toMatchObject({ reason: 'unsupported_format' });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    await expect(prepareAvatar(svg)).rejects.toMatchObject({ reason: 'unsupported_format' });
  });
});

describe('prepareAvatar', () => {
  it('makes an oriented, metadata-free 256×256 WebP square', async () => {
    const avatar = await prepareAvatar(await phonePhoto());
    expect(await sharp(avatar).metadata()).toMatchObject({ format: 'webp', width: AVATAR_SIDE, height: AVATAR_SIDE });
    await expectNoMetadata(avatar);
  });
});

describe('sniffFile', () => {
  it.each([
    ['jpeg', 'image/jpeg', 'jpg'],
    ['png', 'image/png', 'png'],
    ['webp', 'image/webp', 'webp'],
    ['gif', 'image/gif', 'gif'],
  ] as const)('calls %s an image', async (format, mime, ext) => {
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: RED } }).toFormat(format).toBuffer();
    expect(await sniffFile(bytes)).toEqual({ kind: 'image', mime, ext });
  });

  it.each([
    ['tiff', 'image/tiff'],
    ['avif', 'image/avif'],
  ] as const)('calls %s a file', async (format, mime) => {
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: RED } }).toFormat(format).toBuffer();
    expect(await sniffFile(bytes)).toMatchObject({ kind: 'file', mime });
  });

  it('goes by the bytes alone: an HTML page named x.png is a file, a PNG named notes.txt an image', async () => {
    const page = new TextEncoder().encode('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
    expect(await sniffFile(page)).toEqual({ kind: 'file', mime: 'application/octet-stream' });
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: RED } }).png().toBuffer();
    expect(await sniffFile(png)).toMatchObject({ kind: 'image', mime: 'image/png' });
  });

  it('never calls an SVG an image', async () => {
    for (const svg of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ]) {
      expect((await sniffFile(new TextEncoder().encode(svg))).kind).toBe('file');
    }
  });

  it('recognises a PDF as a file, and knows nothing about empty or random bytes', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
    expect(await sniffFile(pdf)).toEqual({ kind: 'file', mime: 'application/pdf', ext: 'pdf' });
    expect(await sniffFile(new Uint8Array())).toEqual({ kind: 'file', mime: 'application/octet-stream' });
    expect(await sniffFile(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toEqual({ kind: 'file', mime: 'application/octet-stream' });
  });

  it('needs only the first SNIFF_BYTES of a large file', async () => {
    const jpeg = await (await markedPicture(1500, 1000)).jpeg().toBuffer();
    expect(jpeg.length).toBeGreaterThan(SNIFF_BYTES);
    expect(await sniffFile(jpeg.subarray(0, SNIFF_BYTES))).toMatchObject({ kind: 'image', mime: 'image/jpeg' });
  });
});

describe('many pictures at once', () => {
  it('all get prepared (two at a time, the rest queued)', async () => {
    const inputs = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => markedPicture(100 + n, 80).then((p) => p.jpeg().toBuffer())));
    const results = await Promise.all(inputs.map((input) => prepareImage(input)));
    expect(results.map(({ original }) => original.width)).toEqual([101, 102, 103, 104, 105, 106]);
  });
});

describe('splitHead', () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, index) => index % 251));
  const chunked = (size: number) => Readable.from((function* () { for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size); })());
  const readAll = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('returns the first bytes and the whole content again', async () => {
    for (const chunkSize of [1000, 7000, 20_000]) {
      const { head, whole } = await splitHead(chunked(chunkSize), SNIFF_BYTES);
      expect(head.equals(data.subarray(0, SNIFF_BYTES))).toBe(true);
      expect((await readAll(whole)).equals(data)).toBe(true);
    }
  });

  it('a stream shorter than the head comes back whole; an error rejects or errors the rest', async () => {
    const { head, whole } = await splitHead(Readable.from([data.subarray(0, 100)]), SNIFF_BYTES);
    expect(head.length).toBe(100);
    expect((await readAll(whole)).equals(data.subarray(0, 100))).toBe(true);
    const failingEarly = Readable.from((async function* () { yield data.subarray(0, 100); throw new Error('client went away'); })());
    await expect(splitHead(failingEarly, SNIFF_BYTES)).rejects.toThrow('client went away');
    const failingLate = Readable.from((async function* () { yield data; throw new Error('client went away'); })());
    const late = await splitHead(failingLate, SNIFF_BYTES);
    await expect(readAll(late.whole)).rejects.toThrow('client went away');
  });
});
