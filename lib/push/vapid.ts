import fs from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';
import { getEnv, getVapidSubject, type Env } from '@/lib/env';

/** The application server's identity towards push services (RFC 8292), as web-push takes it. */
export type VapidDetails = { publicKey: string; privateKey: string; subject: string };

type KeyPair = { publicKey: string; privateKey: string };

const isKeyPair = (value: unknown): value is KeyPair =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as KeyPair).publicKey === 'string' &&
  typeof (value as KeyPair).privateKey === 'string';

/**
 * The key pair stored at `dataDir/vapid-keys.json`, generated on first use, like the auth secret (lib/secrets.ts).
 * Every subscription is bound to the public key: a new pair would silence every device until it subscribes again,
 * so the pair is kept, and several instances must share one pair through the environment.
 */
export function readOrCreateVapidKeys(dataDir: string): KeyPair {
  const file = path.resolve(dataDir, 'vapid-keys.json');
  const read = (): KeyPair => {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!isKeyPair(parsed)) throw new Error(`${file} is not a VAPID key pair; remove it to generate a new one`);
    return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
  };
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  // Written whole to a file of our own, then linked into place: link() fails if another process got there first
  // (then read theirs), and nobody ever reads a half-written file.
  const draft = `${file}.${process.pid}.${Date.now()}`;
  fs.writeFileSync(draft, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(draft, file);
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return read();
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/** Null when no key pair is configured: pushes are then off (tests and tools that do not start through server.ts). */
export function getVapidDetails(env: Env = getEnv()): VapidDetails | null {
  if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) return null;
  return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: getVapidSubject(env) };
}
