import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import webpush from 'web-push';
import { afterEach, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { getVapidDetails, readOrCreateVapidKeys } from './vapid';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT', 'APP_URL']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('VAPID keys', () => {
  it('are generated once into DATA_DIR and read back the same on every start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-vapid-'));
    try {
      const first = readOrCreateVapidKeys(dir);
      expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
      expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32);
      expect(readOrCreateVapidKeys(dir)).toEqual(first);
      // Private: readable by the server's user only.
      expect(fs.statSync(path.join(dir, 'vapid-keys.json')).mode & 0o077).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('from the environment: a valid pair, a subject from APP_URL unless VAPID_SUBJECT says otherwise', () => {
    const keys = webpush.generateVAPIDKeys();
    Object.assign(process.env, { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, APP_URL: 'https://chat.example.com' });
    expect(getVapidDetails()).toEqual({ ...keys, subject: 'mailto:admin@chat.example.com' });
    process.env.VAPID_SUBJECT = 'https://chat.example.com/contact';
    expect(getVapidDetails()?.subject).toBe('https://chat.example.com/contact');
  });

  const pair = webpush.generateVAPIDKeys();
  it.each([
    ['half a pair', { VAPID_PUBLIC_KEY: pair.publicKey }],
    ['a public key of the wrong length', { VAPID_PUBLIC_KEY: 'AAAA', VAPID_PRIVATE_KEY: pair.privateKey }],
    ['a subject that is not mailto: or https:', { VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: 'http://example.com' }],
  ])('refuses %s at start-up', (_, env) => {
    Object.assign(process.env, env);
    expect(() => getEnv()).toThrow(/Invalid environment/);
  });

  it('no pair: pushes are off', () => {
    delete process.env.VAPID_PUBLIC_KEY;
    delete process.env.VAPID_PRIVATE_KEY;
    expect(getVapidDetails()).toBeNull();
  });
});
