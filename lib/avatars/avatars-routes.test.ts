/**
 * Issue 8, avatars through their route handlers: upload, serve, replace, remove; what is refused and what a
 * refusal leaves unchanged. Real Postgres and the filesystem storage in a temporary DATA_DIR.
 */
import { rmSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getGroupAvatarVersion, getUserAvatarVersion } from '@/db/queries/avatars';
import { createGroup, removeGroupMember } from '@/db/queries/groups';
import { toUserDTO } from '@/db/queries/users';
import type { User } from '@/db/schema';
import { getAllowedOrigins } from '@/lib/env';
import type { UserDTO } from '@/lib/realtime/events';
import { AVATAR_MAX_BYTES } from '@/lib/realtime/limits';
import { getStorage } from '@/lib/storage';
import { closeTestServices, makeUser, nextEvent, startRealtimeServer, type TestRealtimeServer } from '@/lib/testing/harness';
import { groupAvatarKey, userAvatarKey } from './keys';

const dataDir = vi.hoisted(() => {
  // Before any module reads it: the storage keeps its objects under DATA_DIR.
  const dir = `${process.env.TMPDIR ?? '/tmp'}/parley-avatars-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});
const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const me = await import('@/app/api/avatars/me/route');
const group = await import('@/app/api/avatars/groups/[chatId]/route');
const userPicture = await import('@/app/api/avatars/users/[userId]/[version]/route');
const groupPicture = await import('@/app/api/avatars/groups/[chatId]/[version]/route');

const origin = [...getAllowedOrigins()][0]!;
let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
  rmSync(dataDir, { recursive: true, force: true });
});

const signIn = (user: User | null) => {
  session.user = user && toUserDTO(user);
};

/** A plain picture of the given size: wider than tall, so the square crop shows. */
const png = (width = 640, height = 400) => sharp({ create: { width, height, channels: 3, background: '#3366cc' } }).png().toBuffer();

function upload(url: string, body: BodyInit | null, headers: Record<string, string> = {}) {
  return new Request(`${origin}${url}`, { method: 'PUT', headers: { origin, ...headers }, body, duplex: 'half' } as RequestInit);
}
const remove = (url: string) => new Request(`${origin}${url}`, { method: 'DELETE', headers: { origin } });
const get = (url: string) => new Request(`${origin}${url}`);

const params = <T extends Record<string, string>>(values: T) => ({ params: Promise.resolve(values) });
const versionOf = (avatarUrl: string) => avatarUrl.split('/').at(-1)!;

async function fetchUserPicture(userId: string, version: string) {
  return userPicture.GET(get(`/api/avatars/users/${userId}/${version}`), params({ userId, version }));
}
async function fetchGroupPicture(chatId: string, version: string) {
  return groupPicture.GET(get(`/api/avatars/groups/${chatId}/${version}`), params({ chatId, version }));
}

async function setMine(body: BodyInit) {
  const response = await me.PUT(upload('/api/avatars/me', body));
  return { status: response.status, json: (await response.json()) as { ok: boolean; data?: { avatarUrl: string | null }; error?: string } };
}

describe('a profile picture', () => {
  it('upload: a new version, served as a 256×256 WebP with safe headers to any signed-in user; replacing it retires the old one', async () => {
    const [ana, bo] = await Promise.all([makeUser(), makeUser()]);
    signIn(ana);
    const first = await setMine(await png());
    expect(first.status).toBe(200);
    const firstVersion = versionOf(first.json.data!.avatarUrl!);
    expect(first.json.data!.avatarUrl).toBe(`/api/avatars/users/${ana.id}/${firstVersion}`);
    expect(await getUserAvatarVersion(ana.id)).toBe(firstVersion);

    signIn(bo);
    const served = await fetchUserPicture(ana.id, firstVersion);
    expect(served.status).toBe(200);
    expect(Object.fromEntries(served.headers)).toMatchObject({
      'content-type': 'image/webp',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=31536000, immutable',
      'content-disposition': 'inline',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
    });
    const image = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect({ format: image.format, width: image.width, height: image.height }).toEqual({ format: 'webp', width: 256, height: 256 });

    signIn(ana);
    const second = await setMine(await png(300, 900));
    const secondVersion = versionOf(second.json.data!.avatarUrl!);
    expect(secondVersion).not.toBe(firstVersion);
    expect((await fetchUserPicture(ana.id, firstVersion)).status).toBe(404);
    expect(await getStorage().get(userAvatarKey(ana.id, firstVersion))).toBeNull();
    expect((await fetchUserPicture(ana.id, secondVersion)).status).toBe(200);
  });

  it('remove: back to initials, the picture gone from storage and its URL not found', async () => {
    const ana = await makeUser();
    signIn(ana);
    const version = versionOf((await setMine(await png())).json.data!.avatarUrl!);
    const response = await me.DELETE(remove('/api/avatars/me'));
    expect(await response.json()).toEqual({ ok: true, data: { avatarUrl: null } });
    expect(await getUserAvatarVersion(ana.id)).toBeNull();
    expect(await getStorage().get(userAvatarKey(ana.id, version))).toBeNull();
    expect((await fetchUserPicture(ana.id, version)).status).toBe(404);
  });

  it('takes JPEG, WebP and GIF as well as PNG, whatever the file is called, and stores each as a 256×256 WebP', async () => {
    const ana = await makeUser();
    signIn(ana);
    const base = () => sharp({ create: { width: 300, height: 500, channels: 3, background: '#cc6633' } });
    const files = [await base().jpeg().toBuffer(), await base().webp().toBuffer(), await base().gif().toBuffer()];
    for (const file of files) {
      const uploaded = await setMine(new File([new Uint8Array(file)], 'picture.txt', { type: 'text/plain' }));
      expect(uploaded.status).toBe(200);
      const served = await fetchUserPicture(ana.id, versionOf(uploaded.json.data!.avatarUrl!));
      const image = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
      expect({ format: image.format, width: image.width, height: image.height }).toEqual({ format: 'webp', width: 256, height: 256 });
    }
  });

  it('judges the content, not the name: text named .png, and bytes that only start like a PNG, change nothing', async () => {
    const ana = await makeUser();
    signIn(ana);
    const version = versionOf((await setMine(await png())).json.data!.avatarUrl!);
    const text = new File(['just some text, honestly'], 'me.png', { type: 'image/png' });
    const notPicture = await setMine(text);
    expect(notPicture.status).toBe(400);
    expect(notPicture.json).toEqual({ ok: false, error: 'invalid_input' });
    const truncated = (await png()).subarray(0, 60);
    expect((await setMine(truncated)).status).toBe(400);
    expect(await getUserAvatarVersion(ana.id)).toBe(version);
    expect((await fetchUserPicture(ana.id, version)).status).toBe(200);
  });

  it('refuses more than AVATAR_MAX_BYTES: by Content-Length before reading a byte, and by counting when none is given', async () => {
    const ana = await makeUser();
    signIn(ana);
    let pulled = false;
    const untouched = new ReadableStream<Uint8Array>({ pull: () => void (pulled = true) }, { highWaterMark: 0 });
    const declared = await me.PUT(upload('/api/avatars/me', untouched, { 'content-length': String(AVATAR_MAX_BYTES + 1) }));
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ ok: false, error: 'too_large' });
    expect(pulled).toBe(false);

    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: far more than the limit, should the reader not stop.
        if (sent > AVATAR_MAX_BYTES * 3) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    expect((await me.PUT(upload('/api/avatars/me', endless))).status).toBe(413);
    expect(sent).toBeLessThanOrEqual(AVATAR_MAX_BYTES + 2 * chunk.byteLength);
    expect(await getUserAvatarVersion(ana.id)).toBeNull();
  });

  it('storage down: 503 unavailable, and the current picture stays', async () => {
    const ana = await makeUser();
    signIn(ana);
    const version = versionOf((await setMine(await png())).json.data!.avatarUrl!);
    const put = vi.spyOn(getStorage(), 'put').mockRejectedValueOnce(new Error('disk full'));
    try {
      const failed = await setMine(await png());
      expect(failed).toEqual({ status: 503, json: { ok: false, error: 'unavailable' } });
    } finally {
      put.mockRestore();
    }
    expect(await getUserAvatarVersion(ana.id)).toBe(version);
    expect((await fetchUserPicture(ana.id, version)).status).toBe(200);
  });

  it('signed out: 401 to upload, remove and fetch; another site’s origin: 403', async () => {
    const ana = await makeUser();
    signIn(ana);
    const version = versionOf((await setMine(await png())).json.data!.avatarUrl!);
    signIn(null);
    expect((await me.PUT(upload('/api/avatars/me', await png()))).status).toBe(401);
    expect((await me.DELETE(remove('/api/avatars/me'))).status).toBe(401);
    expect((await fetchUserPicture(ana.id, version)).status).toBe(401);
    signIn(ana);
    const forged = new Request(`${origin}/api/avatars/me`, { method: 'DELETE', headers: { origin: 'https://evil.example' } });
    expect((await me.DELETE(forged)).status).toBe(403);
    expect(await getUserAvatarVersion(ana.id)).toBe(version);
  });
});

describe('a group picture', () => {
  async function makeGroup() {
    const [admin, member, stranger] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const third = await makeUser();
    const { chatId } = await createGroup({ creatorId: admin.id, title: 'Avatars', memberIds: [member.id, third.id] });
    return { admin, member, third, stranger, chatId };
  }
  const setGroup = (chatId: string, body: BodyInit) => group.PUT(upload(`/api/avatars/groups/${chatId}`, body), params({ chatId }));

  it('an admin sets it: the members hear chat:updated with its URL and fetch it; a former member and a stranger get 404', async () => {
    const { admin, member, third, stranger, chatId } = await makeGroup();
    await removeGroupMember({ chatId, actorId: admin.id, userId: third.id });
    const socket = await server.connect(member);
    const heard = nextEvent(socket, 'chat:updated', (summary) => summary.id === chatId && summary.avatarUrl !== null);

    signIn(admin);
    const response = await setGroup(chatId, await png());
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { avatarUrl: string } };
    const version = versionOf(data.avatarUrl);
    expect(data.avatarUrl).toBe(`/api/avatars/groups/${chatId}/${version}`);
    expect((await heard).avatarUrl).toBe(data.avatarUrl);

    for (const reader of [admin, member]) {
      signIn(reader);
      expect((await fetchGroupPicture(chatId, version)).status).toBe(200);
    }
    // Removed before the change: their list shows the group as it was, and this picture is not theirs to see.
    for (const outsider of [third, stranger]) {
      signIn(outsider);
      const refused = await fetchGroupPicture(chatId, version);
      expect(refused.status).toBe(404);
      expect(await refused.json()).toEqual({ ok: false, error: 'not_found' });
    }
  });

  it('a member who is not an admin: forbidden; a non-member: not_found; neither changes anything', async () => {
    const { admin, member, stranger, chatId } = await makeGroup();
    signIn(admin);
    const version = versionOf(((await (await setGroup(chatId, await png())).json()) as { data: { avatarUrl: string } }).data.avatarUrl);

    signIn(member);
    expect((await setGroup(chatId, await png())).status).toBe(403);
    expect((await group.DELETE(remove(`/api/avatars/groups/${chatId}`), params({ chatId }))).status).toBe(403);
    signIn(stranger);
    const response = await setGroup(chatId, await png());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error: 'not_found' });
    expect((await group.DELETE(remove(`/api/avatars/groups/${chatId}`), params({ chatId }))).status).toBe(404);
    expect(await getGroupAvatarVersion({ chatId, viewerId: admin.id })).toBe(version);
  });

  it('an admin removes it: initials again, the object deleted', async () => {
    const { admin, chatId } = await makeGroup();
    signIn(admin);
    const version = versionOf(((await (await setGroup(chatId, await png())).json()) as { data: { avatarUrl: string } }).data.avatarUrl);
    const response = await group.DELETE(remove(`/api/avatars/groups/${chatId}`), params({ chatId }));
    expect(await response.json()).toEqual({ ok: true, data: { avatarUrl: null } });
    expect(await getStorage().get(groupAvatarKey(chatId, version))).toBeNull();
    expect((await fetchGroupPicture(chatId, version)).status).toBe(404);
  });
});
