/**
 * Issue 3: "missing, garbage, tampered, foreign-secret, expired and revoked session cookies refused at the
 * handshake", plus the other ways a token can stop being a session. Each refusal has a control that connects.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeSession } from '@/db/queries/sessions';
import { updatePassword } from '@/db/queries/users';
import type { User } from '@/db/schema';
import {
  closeTestServices,
  connectWithHeaders,
  expectConnectError,
  makeUser,
  mintSession,
  startRealtimeServer,
  type TestRealtimeServer,
} from '@/lib/testing/harness';

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

/** The same JWE with one character of its last segment (the authentication tag) changed. */
function tamper(token: string): string {
  const index = token.length - 3;
  return `${token.slice(0, index)}${token[index] === 'A' ? 'B' : 'A'}${token.slice(index + 1)}`;
}

const connects = async (cookie: string) => (await connectWithHeaders(server.url, { cookie })).connected;

/** Each case: a cookie that must be refused, made for `user` (who has a working session of their own). */
const refused: [string, (user: User) => Promise<string>][] = [
  ['a garbage cookie', async () => 'authjs.session-token=garbage'],
  ['an empty cookie', async () => 'authjs.session-token='],
  ['a tampered cookie', async (user) => `authjs.session-token=${tamper((await mintSession(user)).token)}`],
  ['a cookie signed with a foreign secret', async (user) => (await mintSession(user, { secret: randomUUID() + randomUUID() })).cookie],
  // Auth.js decodes with 15 s of clock tolerance: a minute past exp is expired for certain.
  ['an expired cookie', async (user) => (await mintSession(user, { maxAge: -60 })).cookie],
  ['a token without a session id', async (user) => (await mintSession(user, { claims: { sid: undefined } })).cookie],
  ['a token whose session id is not a uuid', async (user) => (await mintSession(user, { claims: { sid: 'admin' } })).cookie],
  ['a token without a session version', async (user) => (await mintSession(user, { claims: { sv: undefined } })).cookie],
  ['a token for a user that does not exist', async (user) => (await mintSession({ ...user, id: randomUUID() })).cookie],
  ['the secure-cookie name on plain http', async (user) => `__Secure-${(await mintSession(user)).cookie}`],
];

describe('the handshake refuses with unauthorized', () => {
  it.each(refused)('%s', async (_case, makeCookie) => {
    const user = await makeUser();
    expect(await connects((await mintSession(user)).cookie)).toBe(true);

    const error = await expectConnectError(server.url, { cookie: await makeCookie(user) });
    expect(error.message).toBe('unauthorized');
  });

  it('no cookie at all', async () => {
    expect((await expectConnectError(server.url, {})).message).toBe('unauthorized');
  });

  it('a cookie that expires in a minute is still accepted (the expired case is about exp, not maxAge)', async () => {
    expect(await connects((await mintSession(await makeUser(), { maxAge: 60 })).cookie)).toBe(true);
  });

  it('a revoked session, while the same user’s other session still connects', async () => {
    const user = await makeUser();
    const [revoked, kept] = await Promise.all([mintSession(user), mintSession(user)]);
    expect(await connects(revoked.cookie)).toBe(true);

    await revokeSession({ sessionId: revoked.sessionId, userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) });

    expect((await expectConnectError(server.url, { cookie: revoked.cookie })).message).toBe('unauthorized');
    expect(await connects(kept.cookie)).toBe(true);
  });

  it('a session from before a password change, while a session of the new version connects', async () => {
    const user = await makeUser();
    const old = await mintSession(user);
    expect(await connects(old.cookie)).toBe(true);

    const sessionVersion = await updatePassword({ userId: user.id, passwordHash: 'changed' });

    expect((await expectConnectError(server.url, { cookie: old.cookie })).message).toBe('unauthorized');
    expect(await connects((await mintSession({ ...user, sessionVersion })).cookie)).toBe(true);
  });
});
