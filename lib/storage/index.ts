import path from 'node:path';
import { getEnv, type Env } from '@/lib/env';
import { createFilesystemStorage } from './filesystem';
import { createS3Storage, type S3StorageConfig } from './s3';
import type { ObjectStorage } from './types';

export type { ObjectStorage } from './types';
export { InvalidStorageKeyError } from './keys';
export { SizeMismatchError } from './streams';

/** server.ts and Next's bundle load separate copies of this module: one storage per process, on globalThis. */
const globalForStorage = globalThis as unknown as { parleyStorage?: ObjectStorage };

/** The S3 settings from S3_* variables, or null when S3_BUCKET is unset (files under DATA_DIR/storage). */
export function getS3Config(env: Env = getEnv()): S3StorageConfig | null {
  if (!env.S3_BUCKET) return null;
  return {
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    prefix: env.S3_PREFIX,
  };
}

export function createStorageFromEnv(env: Env = getEnv()): ObjectStorage {
  const s3 = getS3Config(env);
  return s3 ? createS3Storage(s3) : createFilesystemStorage(path.join(env.DATA_DIR ?? '.data', 'storage'));
}

/** Where attachment and avatar bytes live: S3 when S3_BUCKET is set, else DATA_DIR/storage. */
export function getStorage(): ObjectStorage {
  globalForStorage.parleyStorage ??= createStorageFromEnv();
  return globalForStorage.parleyStorage;
}
