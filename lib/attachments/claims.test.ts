/**
 * How a send claims uploads, and the edges a review found: ids in upper case, a retried clientId, a retry after the
 * message was deleted, an upload about to be swept; HEAD opens no file; names lose invisible characters.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getSql } from '@/db';
import { toUserDTO } from '@/db/queries/users';
import type { User } from '@/db/schema';
import { getAllowedOrigins } from '@/lib/env';
import type { AttachmentDTO, MessageDTO, UserDTO } from '@/lib/realtime/events';
import { closeTestServices, emitRaw, makeChat, startRealtimeServer, type TestRealtimeServer } from '@/lib/testing/harness';
import type { Result } from '@/lib/errors';
import { cleanFileName } from './upload';

const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const upload = await import('@/app/api/chats/[chatId]/attachments/route');
const single = await import('@/app/api/attachments/[attachmentId]/route');

let server: TestRealtimeServer;
const origin = [...getAllowedOrigins()][0]!;

beforeAll(async () => {
  process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), 'parley-claims-'));
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

const as = (user: User) => (session.user = toUserDTO(user));
const png = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).png().toBuffer();

async function uploaded(user: User, chatId: string): Promise<AttachmentDTO> {
  as(user);
  const bytes = await png();
  const request = new Request(`${origin}/api/chats/${chatId}/attachments?name=a.png`, {
    method: 'POST',
    headers: { origin, 'content-length': String(bytes.length) },
    body: new Uint8Array(bytes),
  });
  const response = await upload.POST(request, { params: Promise.resolve({ chatId }) });
  expect(response.status).toBe(201);
  return (await response.json()).data;
}

const fetchAs = (user: User, id: string, method = 'GET') => {
  as(user);
  return single.GET(new Request(`${origin}/api/attachments/${id}`, { method }), { params: Promise.resolve({ attachmentId: id }) });
};

async function send(user: User, payload: { chatId: string; clientId?: string; attachmentIds: string[]; body?: string }) {
  const socket = await server.connect(user);
  return (await emitRaw(socket, 'message:send', { clientId: crypto.randomUUID(), body: '', ...payload })) as Result<MessageDTO>;
}

describe('claims', () => {
  it('ids in upper-case hex claim the same uploads, stored as they are', async () => {
    const { a, chatId } = await makeChat();
    const image = await uploaded(a, chatId);
    const sent = await send(a, { chatId, attachmentIds: [image.id.toUpperCase()] });
    expect(sent.ok && sent.data.attachments).toEqual([image]);
  });

  it('a retried clientId cannot add a file to the message already stored under it', async () => {
    const { a, b, chatId } = await makeChat();
    const clientId = crypto.randomUUID();
    expect((await send(a, { chatId, clientId, attachmentIds: [], body: 'plain' })).ok).toBe(true);
    const image = await uploaded(a, chatId);
    // A retry: answered with the stored message as it is; the upload stays unsent (the sweep's), nobody else's to read.
    const retry = await send(a, { chatId, clientId, attachmentIds: [image.id], body: 'plain' });
    expect(retry.ok && retry.data.attachments).toEqual([]);
    expect((await fetchAs(b, image.id)).status).toBe(404);
  });

  it('a retry of a send deleted meanwhile is answered with the deleted message, as without files', async () => {
    const { a, chatId } = await makeChat();
    const image = await uploaded(a, chatId);
    const clientId = crypto.randomUUID();
    const sent = await send(a, { chatId, clientId, attachmentIds: [image.id], body: 'x' });
    if (!sent.ok) throw new Error(sent.error);
    const socket = await server.connect(a);
    expect(((await emitRaw(socket, 'message:delete', { chatId, messageId: sent.data.id })) as Result<MessageDTO>).ok).toBe(true);
    const retry = await send(a, { chatId, clientId, attachmentIds: [image.id], body: 'x' });
    expect(retry.ok && { id: retry.data.id, deleted: retry.data.deleted, attachments: retry.data.attachments }).toEqual({
      id: sent.data.id,
      deleted: true,
      attachments: [],
    });
  });

  it('an upload about to be swept (older than 47 h) can no longer be claimed', async () => {
    const { a, chatId } = await makeChat();
    const image = await uploaded(a, chatId);
    await getSql()`update attachments set created_at = now() - interval '47 hours 1 minute' where id = ${image.id}`;
    expect(await send(a, { chatId, attachmentIds: [image.id] })).toEqual({ ok: false, error: 'not_found' });
  });
});

describe('serving', () => {
  it('HEAD answers the headers without opening the file', async () => {
    const { a, b, chatId } = await makeChat();
    const image = await uploaded(a, chatId);
    expect((await send(a, { chatId, attachmentIds: [image.id] })).ok).toBe(true);
    const head = await fetchAs(b, image.id, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get('content-type')).toBe('image/png');
  });

  it('file names lose control, invisible and direction-changing characters, and keep their extension when cut', () => {
    expect(cleanFileName('photo\u202Egpj.exe')).toBe('photo_gpj.exe');
    expect(cleanFileName('a\u200Bb\u0085c\r\nd.txt')).toBe('a_b_c__d.txt');
    expect(cleanFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    const long = cleanFileName(`${'x'.repeat(400)}.pdf`);
    expect([long.length, long.endsWith('.pdf')]).toEqual([255, true]);
  });
});
