import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { requireValidKey } from './keys';
import { SizeMismatchError, createByteCounter } from './streams';
import type { ObjectStorage } from './types';

export interface S3StorageConfig {
  bucket: string;
  region: string;
  /** For S3-compatible services (MinIO, R2, ...); unset = AWS. */
  endpoint?: string;
  /** Unset = the SDK's default chain (environment, instance role, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  /** Prepended to every key with a '/', so one bucket can hold several deployments. */
  prefix?: string;
}

/** DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH = 1000;

export function createS3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
    // The SDK's default since 2025 adds CRC32 checksums to every upload, streaming ones as aws-chunked bodies with a
    // trailer; many S3-compatible servers store that framing as the object or refuse it. Only where S3 demands one
    // (DeleteObjects). TLS already guards the bytes in transit.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // No answer at all within these bounds is an error, never a request hanging forever (requestTimeout is per socket
    // inactivity, so a slow but moving 50 MB upload is fine).
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  });
}

export function createS3Storage(config: S3StorageConfig, client: S3Client = createS3Client(config)): ObjectStorage {
  const prefix = (config.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const objectKey = (key: string) => {
    requireValidKey(key);
    return prefix ? `${prefix}/${key}` : key;
  };

  /**
   * Streams `size` bytes as one PutObject. The SDK pipes the body into its request and does not notice the body
   * failing (Stream#pipe forwards no errors), so a failing or short body aborts the request itself: S3 then stores
   * nothing, because it never received the bytes Content-Length promised.
   */
  async function putStream(Key: string, body: Readable, size: number, contentType: string): Promise<void> {
    const abort = new AbortController();
    const counter = createByteCounter(size);
    let bodyError: unknown;
    pipeline(body, counter).catch((error: unknown) => {
      bodyError = error;
      abort.abort(error);
    });
    try {
      await client.send(
        new PutObjectCommand({ Bucket: config.bucket, Key, Body: counter, ContentLength: size, ContentType: contentType }),
        { abortSignal: abort.signal },
      );
    } catch (error) {
      body.destroy();
      throw bodyError ?? error;
    }
  }

  /**
   * S3 needs the length up front. Without it, the body waits in a temporary file first: memory stays flat for a 50 MB
   * upload, and one PutObject is simpler than a multipart upload that needs cleaning up when it fails.
   */
  async function putSpooled(Key: string, body: Readable, contentType: string): Promise<void> {
    const directory = await fsp.mkdtemp(path.join(os.tmpdir(), 'parley-s3-'));
    try {
      const file = path.join(directory, 'body');
      await pipeline(body, fs.createWriteStream(file));
      const { size } = await fsp.stat(file);
      await putStream(Key, fs.createReadStream(file), size, contentType);
    } finally {
      await fsp.rm(directory, { recursive: true, force: true });
    }
  }

  return {
    async put(key, body, { contentType, size }) {
      const Key = objectKey(key);
      if (Buffer.isBuffer(body)) {
        if (size !== undefined && size !== body.length) throw new SizeMismatchError(size, String(body.length));
        await client.send(
          new PutObjectCommand({ Bucket: config.bucket, Key, Body: body, ContentLength: body.length, ContentType: contentType }),
        );
      } else if (size === undefined) {
        await putSpooled(Key, body, contentType);
      } else {
        await putStream(Key, body, size, contentType);
      }
    },

    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }));
        if (!(object.Body instanceof Readable)) throw new Error('S3 GetObject returned no stream body');
        return { body: object.Body, size: object.ContentLength ?? 0 };
      } catch (error) {
        if (isMissingObject(error)) return null;
        throw error;
      }
    },

    async delete(keys) {
      const objectKeys = keys.map(objectKey); // Validate every key before removing any.
      for (let start = 0; start < objectKeys.length; start += DELETE_BATCH) {
        const batch = objectKeys.slice(start, start + DELETE_BATCH);
        const result = await client.send(
          new DeleteObjectsCommand({
            Bucket: config.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        // S3 deletes missing keys without complaint; anything listed here is a real failure (e.g. AccessDenied).
        const [failure] = result.Errors ?? [];
        if (failure) throw new Error(`S3 DeleteObjects failed for ${failure.Key}: ${failure.Code} ${failure.Message}`);
      }
    },
  };
}

/** NoSuchKey, or a bare 404 from a server that sends no error code; a missing bucket is a configuration error. */
function isMissingObject(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || ($metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket');
}
