import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updatePassword } from '@/db/queries/users';
import { authenticateHandshake } from '@/lib/auth/socket';
import { getAllowedOrigins } from '@/lib/env';
import {
  closeTestServices,
  connectWithHeaders,
  cookieHeader,
  expectConnectError,
  makeUser,
  mintSessionToken,
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

/** The same JWT with one character of its signature changed. */
function tamper(token: string): string {
  const index = token.length - 5;
  const flipped = token[index] === 'A' ? 'B' : 'A';
  return `${token.slice(0, index)}${flipped}${token.slice(index + 1)}`;
}

describe('the socket handshake', () => {
  it('accepts a valid session cookie, from no Origin or an allowed one', async () => {
    const user = await makeUser();
    const cookie = cookieHeader(await mintSessionToken(user));
    const [allowedOrigin] = getAllowedOrigins();

    expect((await connectWithHeaders(server.url, { cookie })).connected).toBe(true);
    expect((await connectWithHeaders(server.url, { cookie, origin: allowedOrigin! })).connected).toBe(true);
  });

  it('refuses a forged Origin even with a valid cookie', async () => {
    const cookie = cookieHeader(await mintSessionToken(await makeUser()));
    const error = await expectConnectError(server.url, { cookie, origin: 'https://evil.example' });
    // Refused at the transport (allowRequest), before the auth middleware could answer `unauthorized`.
    expect(error).toBeInstanceOf(Error);
    expect(error.message).not.toBe('unauthorized');
  });

  it('refuses a missing cookie with unauthorized', async () => {
    const error = await expectConnectError(server.url, {});
    expect(error.message).toBe('unauthorized');
  });

  it('refuses a tampered cookie with unauthorized', async () => {
    const token = await mintSessionToken(await makeUser());
    const error = await expectConnectError(server.url, { cookie: cookieHeader(tamper(token)) });
    expect(error.message).toBe('unauthorized');
  });

  it('refuses a cookie signed with another secret', async () => {
    const user = await makeUser();
    const token = await encode({ token: { sub: user.id, sv: user.sessionVersion }, secret: 'x'.repeat(32), salt: 'authjs.session-token' });
    expect((await expectConnectError(server.url, { cookie: cookieHeader(token) })).message).toBe('unauthorized');
  });

  it('refuses a session issued before the password changed', async () => {
    const user = await makeUser();
    const oldToken = await mintSessionToken(user);
    expect((await connectWithHeaders(server.url, { cookie: cookieHeader(oldToken) })).connected).toBe(true);

    const sessionVersion = await updatePassword({ userId: user.id, passwordHash: 'changed' });

    expect((await expectConnectError(server.url, { cookie: cookieHeader(oldToken) })).message).toBe('unauthorized');
    const fresh = await mintSessionToken({ ...user, sessionVersion });
    expect((await connectWithHeaders(server.url, { cookie: cookieHeader(fresh) })).connected).toBe(true);
  });
});

describe('authenticateHandshake', () => {
  it('returns the user of a valid cookie and null otherwise', async () => {
    const user = await makeUser();
    const token = await mintSessionToken(user);

    expect(await authenticateHandshake({ cookie: cookieHeader(token) })).toMatchObject({ userId: user.id, sessionId: expect.any(String) });
    expect(await authenticateHandshake({})).toBeNull();
    expect(await authenticateHandshake({ cookie: cookieHeader(tamper(token)) })).toBeNull();
    // The secure-cookie name is a different cookie (and salt) on plain http: not a session here.
    expect(await authenticateHandshake({ cookie: `__Secure-${cookieHeader(token)}` })).toBeNull();
  });
});
