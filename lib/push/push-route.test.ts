/**
 * PUT /api/push/subscription, what the service worker calls on `pushsubscriptionchange`: the browser's renewed
 * subscription replaces the signed-in user's own old one, keeping its previews choice, and nothing else.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { getPushDevice, savePushSubscription } from '@/db/queries/push';
import { toUserDTO } from '@/db/queries/users';
import { getAllowedOrigins } from '@/lib/env';
import type { UserDTO } from '@/lib/realtime/events';
import { closeTestServices, makeUser } from '@/lib/testing/harness';
import { makeSubscriptionKeys } from './testing/web-push-crypto';

const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const { PUT } = await import('@/app/api/push/subscription/route');

afterAll(async () => {
  await closeTestServices();
});

const appOrigin = [...getAllowedOrigins()][0]!;
const endpoint = () => `https://fcm.googleapis.com/fcm/send/${randomUUID()}`;

function renew(body: unknown, origin: string | null = appOrigin) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (origin) headers.origin = origin;
  return PUT(new Request(`${appOrigin}/api/push/subscription`, { method: 'PUT', headers, body: JSON.stringify(body) }));
}

async function userWithDevice(previews: boolean) {
  const user = await makeUser();
  const keys = makeSubscriptionKeys();
  const old = endpoint();
  await savePushSubscription({ userId: user.id, endpoint: old, p256dh: keys.p256dh, auth: keys.auth, previews });
  return { user, old };
}

describe('PUT /api/push/subscription', () => {
  it('replaces the user’s old subscription with the renewed one, keeping “show message text” as chosen', async () => {
    const { user, old } = await userWithDevice(false);
    session.user = toUserDTO(user);
    const keys = makeSubscriptionKeys();
    const renewed = endpoint();
    const response = await renew({ oldEndpoint: old, subscription: { endpoint: renewed, keys: { p256dh: keys.p256dh, auth: keys.auth } } });
    expect(response.status).toBe(200);
    expect(await getPushDevice({ userId: user.id, endpoint: old })).toBeNull();
    expect(await getPushDevice({ userId: user.id, endpoint: renewed })).toEqual({ previews: false });
  });

  it('stores nothing for an old endpoint that is not the user’s own (push off there, or someone else’s device)', async () => {
    const { user: owner, old } = await userWithDevice(true);
    const other = await makeUser();
    session.user = toUserDTO(other);
    const keys = makeSubscriptionKeys();
    const renewed = endpoint();
    for (const oldEndpoint of [old, endpoint()]) {
      const response = await renew({ oldEndpoint, subscription: { endpoint: renewed, keys: { p256dh: keys.p256dh, auth: keys.auth } } });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ ok: false, error: 'not_found' });
    }
    expect(await getPushDevice({ userId: other.id, endpoint: renewed })).toBeNull();
    expect(await getPushDevice({ userId: owner.id, endpoint: old })).toEqual({ previews: true });
  });

  it('refuses the signed-out, another site, and anything but a push service subscription, changing nothing', async () => {
    const { user, old } = await userWithDevice(true);
    const keys = makeSubscriptionKeys();
    const valid = { oldEndpoint: old, subscription: { endpoint: endpoint(), keys: { p256dh: keys.p256dh, auth: keys.auth } } };
    session.user = null;
    expect((await renew(valid)).status).toBe(401);
    session.user = toUserDTO(user);
    expect((await renew(valid, 'https://evil.example')).status).toBe(403);
    const invalid = [
      { ...valid, subscription: { ...valid.subscription, endpoint: 'https://10.0.0.5.nip.io/push' } },
      { ...valid, subscription: { ...valid.subscription, keys: { p256dh: keys.p256dh, auth: 'short' } } },
      { subscription: valid.subscription },
      'not an object',
    ];
    for (const body of invalid) expect((await renew(body)).status, JSON.stringify(body)).toBe(400);
    expect(await getPushDevice({ userId: user.id, endpoint: old })).toEqual({ previews: true });
    expect(await getPushDevice({ userId: user.id, endpoint: valid.subscription.endpoint })).toBeNull();
  });
});
