/**
 * Issue 8: uploads through the real route handlers into real storage (a temp directory), sent with real sockets,
 * read back through the fetch routes. Types come from the content, limits from the type; only members read an
 * attachment or its thumbnail; a deleted message's files leave storage.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toUserDTO } from '@/db/queries/users';
import type { User } from '@/db/schema';
import { getAllowedOrigins } from '@/lib/env';
import type { AttachmentDTO, UserDTO } from '@/lib/realtime/events';
import { getStorage } from '@/lib/storage';
import { closeTestServices, emitRaw, makeChat, makeUser, startRealtimeServer, type TestRealtimeServer } from '@/lib/testing/harness';
import { attachmentKeys } from './keys';

const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const upload = await import('@/app/api/chats/[chatId]/attachments/route');
const single = await import('@/app/api/attachments/[attachmentId]/route');
const thumb = await import('@/app/api/attachments/[attachmentId]/thumb/route');
const download = await import('@/app/api/attachments/[attachmentId]/download/route');

let server: TestRealtimeServer;
const origin = [...getAllowedOrigins()][0]!;

beforeAll(async () => {
  // Storage is chosen on first use: this file's objects go to a directory of its own.
  process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), 'parley-attachments-'));
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

const as = (user: User | null) => (session.user = user ? toUserDTO(user) : null);

function post(chatId: string, name: string, bytes: Buffer, headers: Record<string, string> = {}) {
  const request = new Request(`${origin}/api/chats/${chatId}/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { origin, 'content-length': String(bytes.length), ...headers },
    body: new Uint8Array(bytes),
  });
  return upload.POST(request, { params: Promise.resolve({ chatId }) });
}

async function uploaded(chatId: string, name: string, bytes: Buffer): Promise<AttachmentDTO> {
  const response = await post(chatId, name, bytes);
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body.data;
}

type Variant = 'original' | 'thumb' | 'download';
function fetchAttachment(id: string, variant: Variant = 'original', headers: Record<string, string> = {}) {
  const route = { original: single, thumb, download }[variant];
  return route.GET(new Request(`${origin}/api/attachments/${id}`, { headers }), { params: Promise.resolve({ attachmentId: id }) });
}

const png = (width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();

/** A 40×20 landscape JPEG whose EXIF says "rotate 90°" and which carries a GPS position. */
const jpegWithGps = () =>
  sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();

async function send(user: User, chatId: string, attachmentIds: string[], body = '') {
  const socket = await server.connect(user);
  return (await emitRaw(socket, 'message:send', { chatId, clientId: crypto.randomUUID(), body, attachmentIds })) as
    | { ok: true; data: { id: string; attachments: AttachmentDTO[] } }
    | { ok: false; error: string };
}

describe('uploads: the type is sniffed from the content, the limit follows it', () => {
  it('a PNG named notes.txt is an image with a thumbnail; an HTML page named photo.png is a file served as bytes', async () => {
    const { a, chatId } = await makeChat();
    as(a);
    const image = await uploaded(chatId, 'notes.txt', await png());
    expect(image).toMatchObject({ kind: 'image', mime: 'image/png', name: 'notes.txt', width: 800, height: 600 });
    const page = await uploaded(chatId, 'photo.png', Buffer.from('<!doctype html><script>alert(1)</script>'));
    expect(page).toMatchObject({ kind: 'file', name: 'photo.png', width: null, height: null });
    expect(page.mime).not.toMatch(/^image\/|html/);

    const thumbResponse = await fetchAttachment(image.id, 'thumb');
    expect(thumbResponse.headers.get('content-type')).toBe('image/webp');
    const thumbMeta = await sharp(Buffer.from(await thumbResponse.arrayBuffer())).metadata();
    expect(Math.max(thumbMeta.width!, thumbMeta.height!)).toBeLessThanOrEqual(640);
    // Not an image: no thumbnail, and the page is never rendered by the browser as ours.
    expect((await fetchAttachment(page.id, 'thumb')).status).toBe(404);
    const served = await fetchAttachment(page.id);
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses an image over 20 MB and any file over 50 MB, storing nothing', async () => {
    const { a, chatId } = await makeChat();
    as(a);
    const head = await png(16, 16);
    // An image: 20 MB + 1 byte of PNG (its head, then padding) is refused by type, after sniffing.
    const bigImage = Buffer.concat([head, Buffer.alloc(20 * 1024 * 1024 + 1 - head.length)]);
    const refused = await post(chatId, 'big.png', bigImage);
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual({ ok: false, error: 'too_large' });
    // The same size as a file (not an image) is fine.
    const bigFile = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20 * 1024 * 1024 + 1 - 9)]);
    expect((await uploaded(chatId, 'big.pdf', bigFile)).size).toBe(bigFile.length);
    // Over 50 MB: refused from the declared length, before a byte is read.
    const tooBig = await post(chatId, 'huge.bin', Buffer.from('x'), { 'content-length': String(50 * 1024 * 1024 + 1) });
    expect(tooBig.status).toBe(413);
  });

  it('applies EXIF orientation and strips the GPS position from the image and its thumbnail', async () => {
    const { a, chatId } = await makeChat();
    as(a);
    const photo = await jpegWithGps();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const image = await uploaded(chatId, 'holiday.jpg', photo);
    // Rotated by 90°: the landscape 40×20 is stored as portrait 20×40.
    expect(image).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 20, height: 40 });
    for (const variant of ['original', 'thumb'] as const) {
      const meta = await sharp(Buffer.from(await (await fetchAttachment(image.id, variant)).arrayBuffer())).metadata();
      expect(meta.exif, variant).toBeUndefined();
      expect(meta.orientation ?? 1, variant).toBe(1);
      expect([meta.width, meta.height], variant).toEqual([20, 40]);
    }
  });

  it('refuses the signed-out, non-members and other sites before reading anything', async () => {
    const { a, chatId } = await makeChat();
    const stranger = await makeUser();
    const bytes = await png(8, 8);
    as(null);
    expect((await post(chatId, 'a.png', bytes)).status).toBe(401);
    as(stranger);
    expect((await post(chatId, 'a.png', bytes)).status).toBe(404);
    expect((await post(crypto.randomUUID(), 'a.png', bytes)).status).toBe(404);
    as(a);
    expect((await post(chatId, 'a.png', bytes, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(chatId, '', bytes)).status).toBe(400);
  });
});

describe('reading: members only, every request, thumbnails included', () => {
  it('the peer reads what was sent; a non-member gets not-found for the file, its thumbnail and its download', async () => {
    const { a, b, chatId } = await makeChat();
    const stranger = await makeUser();
    as(a);
    const image = await uploaded(chatId, 'Ünïcode “photo”.png', await png());
    // Before it is sent, only its uploader sees it.
    as(b);
    expect((await fetchAttachment(image.id, 'thumb')).status).toBe(404);
    const sent = await send(a, chatId, [image.id], 'look');
    expect(sent.ok && sent.data.attachments).toEqual([image]);

    for (const variant of ['original', 'thumb', 'download'] as const) {
      as(b);
      const response = await fetchAttachment(image.id, variant);
      expect(response.status, variant).toBe(200);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
      as(stranger);
      const refused = await fetchAttachment(image.id, variant);
      expect(refused.status, variant).toBe(404);
      // Indistinguishable from an id that never existed.
      expect(await refused.json()).toEqual(await (await fetchAttachment(crypto.randomUUID(), variant)).json());
    }
    as(b);
    const saved = await fetchAttachment(image.id, 'download');
    expect(saved.headers.get('content-disposition')).toBe(
      `attachment; filename="_n_code _photo_.png"; filename*=UTF-8''${encodeURIComponent('Ünïcode “photo”.png')}`,
    );
    // Revalidation is answered after the same check, without the bytes.
    const etag = saved.headers.get('etag')!;
    expect((await fetchAttachment(image.id, 'download', { 'if-none-match': etag })).status).toBe(304);
    as(stranger);
    expect((await fetchAttachment(image.id, 'download', { 'if-none-match': etag })).status).toBe(404);
  });

  it('a send cannot carry someone else’s upload, nor one another message carries', async () => {
    const { a, b, chatId } = await makeChat();
    as(a);
    const mine = await uploaded(chatId, 'a.png', await png(8, 8));
    expect(await send(b, chatId, [mine.id], 'theft')).toEqual({ ok: false, error: 'not_found' });
    expect((await send(a, chatId, [mine.id])).ok).toBe(true);
    expect(await send(a, chatId, [mine.id], 'again')).toEqual({ ok: false, error: 'not_found' });
  });
});

describe('removal', () => {
  it('deleting a message removes its attachments from storage', async () => {
    const { a, b, chatId } = await makeChat();
    as(a);
    const image = await uploaded(chatId, 'a.png', await png(8, 8));
    const file = await uploaded(chatId, 'b.pdf', Buffer.from('%PDF-1.4\nhello'));
    const sent = await send(a, chatId, [image.id, file.id], 'two files');
    if (!sent.ok) throw new Error(sent.error);
    const storage = getStorage();
    expect(await storage.get(attachmentKeys(image.id).thumb)).not.toBeNull();

    const socket = await server.connect(a);
    const deleted = (await emitRaw(socket, 'message:delete', { chatId, messageId: sent.data.id })) as { ok: boolean; data: { attachments: unknown[] } };
    expect(deleted.ok && deleted.data.attachments).toEqual([]);
    for (const id of [image.id, file.id]) {
      for (const key of Object.values(attachmentKeys(id))) expect(await storage.get(key), key).toBeNull();
    }
    as(b);
    expect((await fetchAttachment(image.id)).status).toBe(404);
  });

  it('the uploader takes back an unsent upload; abandoned uploads are swept', async () => {
    const { a, b, chatId } = await makeChat();
    as(a);
    const takenBack = await uploaded(chatId, 'a.png', await png(8, 8));
    as(b);
    const forbidden = await single.DELETE(new Request(`${origin}/api/attachments/${takenBack.id}`, { method: 'DELETE', headers: { origin } }), {
      params: Promise.resolve({ attachmentId: takenBack.id }),
    });
    expect(forbidden.status).toBe(404);
    as(a);
    const removed = await single.DELETE(new Request(`${origin}/api/attachments/${takenBack.id}`, { method: 'DELETE', headers: { origin } }), {
      params: Promise.resolve({ attachmentId: takenBack.id }),
    });
    expect(removed.status).toBe(204);
    expect(await getStorage().get(attachmentKeys(takenBack.id).original)).toBeNull();

    const abandoned = await uploaded(chatId, 'b.png', await png(8, 8));
    const kept = await uploaded(chatId, 'c.png', await png(8, 8));
    expect((await send(a, chatId, [kept.id])).ok).toBe(true);
    const { sweepAttachments } = await import('./remove');
    await sweepAttachments({ unsentOlderThanMs: 0 });
    expect(await getStorage().get(attachmentKeys(abandoned.id).original)).toBeNull();
    expect(await getStorage().get(attachmentKeys(kept.id).original)).not.toBeNull();
  });
});
