import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deletePushSubscription,
  getPushDevice,
  listPushCandidates,
  PUSH_SUBSCRIPTIONS_PER_USER,
  savePushSubscription,
  setPushPreviews,
} from '@/db/queries/push';
import { closeTestServices, makeChat, makeUser } from '@/lib/testing/harness';
import { buildPushPayload, previewText } from './payload';
import { pushSubscriptionSchema } from './subscription';
import { makeSubscriptionKeys } from './testing/web-push-crypto';

afterAll(async () => {
  await closeTestServices();
});

const keys = makeSubscriptionKeys();
const valid = { endpoint: 'https://fcm.googleapis.com/fcm/send/abc:DEF-123', keys: { p256dh: keys.p256dh, auth: keys.auth } };

describe('what the settings page may register', () => {
  const production = pushSubscriptionSchema({ production: true });
  const development = pushSubscriptionSchema({ production: false });

  it('takes a browser’s PushSubscription.toJSON(), dropping what it does not need, previews on by default', () => {
    const parsed = production.parse({ ...valid, expirationTime: null });
    expect(parsed).toEqual({ ...valid, previews: true });
    // Padded base64url (some browsers) is stored unpadded.
    expect(production.parse({ ...valid, keys: { p256dh: `${keys.p256dh}=`, auth: `${keys.auth}==` } }).keys).toEqual(valid.keys);
  });

  it.each([
    ['http, which web-push cannot speak', 'http://fcm.googleapis.com/fcm/send/x'],
    ['an IP literal', 'https://10.0.0.5/push'],
    ['an IPv6 literal', 'https://[fd00::1]/push'],
    ['localhost', 'https://localhost/push'],
    ['loopback', 'https://127.0.0.1:8443/push'],
    ['a single-label (internal) name', 'https://intranet/push'],
    ['another port', 'https://fcm.googleapis.com:8443/push'],
    ['a name that is not a push service', 'https://push.example.com/push'],
    ['a name resolving to a private address', 'https://10.0.0.5.nip.io/push'],
    ['a lookalike of a push service', 'https://fcm.googleapis.com.evil.example/push'],
    ['localhost with a trailing dot', 'https://localhost./push'],
    ['credentials', 'https://user:pw@fcm.googleapis.com/push'],
    ['not a URL', 'fcm.googleapis.com/push'],
    ['too long', `https://fcm.googleapis.com/${'a'.repeat(2048)}`],
  ])('in production refuses an endpoint with %s', (_, endpoint) => {
    expect(production.safeParse({ ...valid, endpoint }).success).toBe(false);
  });

  it('in production accepts the browsers’ push services, subdomains where they use them, or the configured list', () => {
    for (const endpoint of ['https://updates.push.services.mozilla.com/wpush/v2/x', 'https://web.push.apple.com/QGx', 'https://wns2-by3p.notify.windows.com/w/?token=x']) {
      expect(production.safeParse({ ...valid, endpoint }).success, endpoint).toBe(true);
    }
    expect(production.safeParse({ ...valid, endpoint: 'https://push.apple.com/x' }).success, 'the bare suffix is no subdomain').toBe(false);
    const configured = pushSubscriptionSchema({ production: true, hosts: ['push.example.com'] });
    expect(configured.safeParse({ ...valid, endpoint: 'https://push.example.com/p' }).success).toBe(true);
    expect(configured.safeParse(valid).success, 'the list replaces the default').toBe(false);
  });

  it('outside production allows a loopback push service on any port (tests, emulators), still only over https', () => {
    for (const endpoint of ['https://127.0.0.1:8443/push/1', 'https://localhost:9000/p', 'https://[::1]:4000/p']) {
      expect(development.safeParse({ ...valid, endpoint }).success, endpoint).toBe(true);
    }
    expect(development.safeParse({ ...valid, endpoint: 'http://127.0.0.1:8443/push/1' }).success).toBe(false);
    expect(development.safeParse({ ...valid, endpoint: 'https://10.0.0.5/push' }).success).toBe(false);
  });

  it.each([
    ['a p256dh of 64 bytes', { p256dh: Buffer.alloc(64, 4).toString('base64url'), auth: keys.auth }],
    ['a compressed point', { p256dh: Buffer.concat([Buffer.from([2]), Buffer.alloc(64, 1)]).toString('base64url'), auth: keys.auth }],
    ['an auth secret of 12 bytes', { p256dh: keys.p256dh, auth: Buffer.alloc(12).toString('base64url') }],
    ['standard base64', { p256dh: keys.p256dh.replace(/-|_/g, '+'), auth: keys.auth.replace(/-|_/g, '/') + '/' }],
    ['no auth', { p256dh: keys.p256dh }],
  ])('refuses keys with %s', (_, badKeys) => {
    expect(production.safeParse({ ...valid, keys: badKeys }).success).toBe(false);
  });
});

describe('the payload', () => {
  it('cuts by characters, never inside an emoji, and flattens new lines', () => {
    expect(previewText('a\n\nb  c')).toBe('a b c');
    expect(previewText('😀'.repeat(141))).toBe(`${'😀'.repeat(139)}…`);
    expect(previewText('😀'.repeat(140))).toBe('😀'.repeat(140));
  });

  it('1:1: the sender as title; group: the group’s name, "Name: text"; private: neither', () => {
    const base = { chatId: 'c1', chatTitle: 'Trip', senderName: 'Ana', body: 'hi', previews: true };
    expect(buildPushPayload({ ...base, chatKind: 'direct' })).toEqual({ chatId: 'c1', url: '/c/c1', tag: 'c1', title: 'Ana', body: 'hi' });
    expect(buildPushPayload({ ...base, chatKind: 'group' })).toMatchObject({ title: 'Trip', body: 'Ana: hi' });
    expect(buildPushPayload({ ...base, chatKind: 'group', previews: false })).toMatchObject({ title: 'Parley', body: 'New message' });
  });
});

describe('stored subscriptions', () => {
  const endpoint = () => `https://push.example.test/${randomUUID()}`;

  it('the same endpoint registered by another user (a shared browser) now belongs to them alone', async () => {
    const [ann, ben] = [await makeUser(), await makeUser()];
    const shared = endpoint();
    await savePushSubscription({ userId: ann.id, endpoint: shared, p256dh: keys.p256dh, auth: keys.auth, previews: true });
    await savePushSubscription({ userId: ben.id, endpoint: shared, p256dh: keys.p256dh, auth: keys.auth, previews: false });
    expect(await getPushDevice({ userId: ann.id, endpoint: shared })).toBeNull();
    expect(await getPushDevice({ userId: ben.id, endpoint: shared })).toEqual({ previews: false });
    // Ann can neither change nor remove Ben's device.
    expect(await setPushPreviews({ userId: ann.id, endpoint: shared, previews: true })).toBe(false);
    expect(await deletePushSubscription({ userId: ann.id, endpoint: shared })).toBe(false);
    expect(await getPushDevice({ userId: ben.id, endpoint: shared })).toEqual({ previews: false });
    expect(await setPushPreviews({ userId: ben.id, endpoint: shared, previews: true })).toBe(true);
    expect(await deletePushSubscription({ userId: ben.id, endpoint: shared })).toBe(true);
    expect(await getPushDevice({ userId: ben.id, endpoint: shared })).toBeNull();
  });

  it('an endpoint saved with other keys than its owner’s does not change hands', async () => {
    const [ann, ben] = [await makeUser(), await makeUser()];
    const hers = endpoint();
    await savePushSubscription({ userId: ann.id, endpoint: hers, p256dh: keys.p256dh, auth: keys.auth, previews: true });
    const other = makeSubscriptionKeys();
    await savePushSubscription({ userId: ben.id, endpoint: hers, p256dh: other.p256dh, auth: other.auth, previews: false });
    expect(await getPushDevice({ userId: ben.id, endpoint: hers })).toBeNull();
    expect(await getPushDevice({ userId: ann.id, endpoint: hers })).toEqual({ previews: true });
  });

  it(`keeps a user's newest ${PUSH_SUBSCRIPTIONS_PER_USER} devices`, async () => {
    const { a, chatId } = await makeChat();
    const endpoints = Array.from({ length: PUSH_SUBSCRIPTIONS_PER_USER + 2 }, endpoint);
    for (const device of endpoints) await savePushSubscription({ userId: a.id, endpoint: device, p256dh: keys.p256dh, auth: keys.auth, previews: true });
    const stored = (await listPushCandidates({ chatIds: [chatId], senderIds: [] })).map((row) => row.device?.endpoint);
    expect(stored.sort()).toEqual(endpoints.slice(2).sort());
  });
});
