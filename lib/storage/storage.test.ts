import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { createFilesystemStorage, listTemporaryFiles } from './filesystem';
import { getS3Config } from './index';
import { InvalidStorageKeyError } from './keys';
import { createS3Client, createS3Storage, type S3StorageConfig } from './s3';
import { TEST_S3_CREDENTIALS, startS3TestServer, verifySigV4 } from './s3-test-server';
import type { ObjectStorage } from './types';

const CHUNK = 64 * 1024;

/** Deterministic pseudo-random bytes, so a stream and its expected contents can be built separately. */
function bytes(length: number, seed: string): Buffer {
  const out = Buffer.alloc(length);
  for (let offset = 0, counter = 0; offset < length; counter++) {
    offset += crypto.createHash('sha256').update(`${seed}:${counter}`).digest().copy(out, offset);
  }
  return out;
}

/** Streams `data` in 64 KiB chunks; with `failAfter`, errors (like an aborted upload) after that many bytes. */
function streamOf(data: Buffer, failAfter?: number): Readable {
  return Readable.from(
    (async function* () {
      for (let offset = 0; offset < data.length; offset += CHUNK) {
        if (failAfter !== undefined && offset >= failAfter) throw new Error('client went away');
        yield data.subarray(offset, offset + CHUNK);
      }
    })(),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function getBytes(storage: ObjectStorage, key: string): Promise<Buffer | null> {
  const object = await storage.get(key);
  return object && readAll(object.body);
}

const uniqueKey = (name: string) => `tests/${crypto.randomUUID()}/${name}`;
const meta = { contentType: 'application/octet-stream' };

/** The behaviour every backend promises (lib/storage/types.ts). */
function describeStorageBehaviour(getStorage: () => ObjectStorage) {
  it('round-trips a Buffer and reports its size', async () => {
    const key = uniqueKey('small.bin');
    const data = bytes(1000, 'small');
    await getStorage().put(key, data, { contentType: 'image/png', size: data.length });
    const object = await getStorage().get(key);
    expect(object?.size).toBe(1000);
    expect((await readAll(object!.body)).equals(data)).toBe(true);
  });

  it.each([
    ['with its size', true],
    ['without a size', false],
  ])('round-trips a 3 MB stream %s', async (_label, withSize) => {
    const key = uniqueKey('big.bin');
    const data = bytes(3 * 1024 * 1024 + 123, 'big');
    await getStorage().put(key, streamOf(data), { ...meta, size: withSize ? data.length : undefined });
    const object = await getStorage().get(key);
    expect(object?.size).toBe(data.length);
    expect((await readAll(object!.body)).equals(data)).toBe(true);
  });

  it('answers null for a key with nothing stored', async () => {
    expect(await getStorage().get(uniqueKey('missing'))).toBeNull();
  });

  it('replaces an object on a second put', async () => {
    const key = uniqueKey('twice');
    await getStorage().put(key, Buffer.from('first version, longer'), meta);
    await getStorage().put(key, Buffer.from('second'), meta);
    const object = await getStorage().get(key);
    expect(object?.size).toBe(6);
    expect((await readAll(object!.body)).toString()).toBe('second');
  });

  it('deletes several keys at once; missing keys and an empty list are fine', async () => {
    const [a, b] = [uniqueKey('a'), uniqueKey('b')];
    await getStorage().put(a, Buffer.from('a'), meta);
    await getStorage().put(b, Buffer.from('b'), meta);
    await getStorage().delete([a, b, uniqueKey('never-stored')]);
    expect(await getStorage().get(a)).toBeNull();
    expect(await getStorage().get(b)).toBeNull();
    await getStorage().delete([]);
    await getStorage().delete([a]);
  });

  it.each([
    ['with its size', true],
    ['without a size', false],
  ])('stores nothing when the stream errors mid-way (%s)', async (_label, withSize) => {
    const key = uniqueKey('aborted');
    const data = bytes(2 * 1024 * 1024, 'aborted');
    const put = getStorage().put(key, streamOf(data, 1024 * 1024), { ...meta, size: withSize ? data.length : undefined });
    await expect(put).rejects.toThrow('client went away');
    expect(await getStorage().get(key)).toBeNull();
  });

  it('refuses a stream shorter or longer than its declared size, storing nothing', async () => {
    const key = uniqueKey('wrong-size');
    const data = bytes(200_000, 'wrong-size');
    await expect(getStorage().put(key, streamOf(data), { ...meta, size: data.length + 1 })).rejects.toThrow(/Expected 200001 bytes/);
    await expect(getStorage().put(key, streamOf(data), { ...meta, size: data.length - 1 })).rejects.toThrow(/Expected 199999 bytes/);
    await expect(getStorage().put(key, data, { ...meta, size: 5 })).rejects.toThrow(/Expected 5 bytes/);
    expect(await getStorage().get(key)).toBeNull();
  });

  it.each(['', '/absolute', '../escape', 'a/../../b', 'a//b', 'a/./b', 'trailing/', 'back\\slash', 'space here', 'a/b~1.tmp'])(
    'refuses the key %j in put, get and delete',
    async (key) => {
      await expect(getStorage().put(key, Buffer.from('x'), meta)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(getStorage().get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(getStorage().delete([key])).rejects.toBeInstanceOf(InvalidStorageKeyError);
    },
  );
}

describe('filesystem storage', () => {
  let root: string;
  let storage: ObjectStorage;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-storage-'));
    storage = createFilesystemStorage(path.join(root, 'storage'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  describeStorageBehaviour(() => storage);

  it('keeps the previous version whole when a replacing write fails, and leaves no temporary file', async () => {
    const key = uniqueKey('kept');
    await storage.put(key, Buffer.from('old'), meta);
    await expect(storage.put(key, streamOf(bytes(300_000, 'new'), 100_000), meta)).rejects.toThrow('client went away');
    expect((await getBytes(storage, key))?.toString()).toBe('old');
    expect(listTemporaryFiles(path.join(root, 'storage'))).toEqual([]);
  });

  it('lets a reader that already opened an object finish it while the object is replaced', async () => {
    const key = uniqueKey('reading');
    const first = bytes(1024 * 1024, 'first');
    await storage.put(key, first, meta);
    const reading = await storage.get(key);
    await storage.put(key, bytes(10, 'second'), meta);
    expect((await readAll(reading!.body)).equals(first)).toBe(true);
  });

  it('removes directories emptied by a delete', async () => {
    const key = uniqueKey('lonely');
    await storage.put(key, Buffer.from('x'), meta);
    await storage.delete([key]);
    expect(fs.existsSync(path.join(root, 'storage', path.dirname(key)))).toBe(false);
  });
});

describe('S3 storage (s3rver, signatures verified)', () => {
  let directory: string;
  let server: Awaited<ReturnType<typeof startS3TestServer>>;
  let config: S3StorageConfig;
  let storage: ObjectStorage;
  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-s3rver-'));
    server = await startS3TestServer(directory);
    config = {
      bucket: `parley-test-${crypto.randomBytes(4).toString('hex')}`,
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: TEST_S3_CREDENTIALS,
      forcePathStyle: true,
    };
    await createS3Client(config).send(new CreateBucketCommand({ Bucket: config.bucket }));
    storage = createS3Storage(config);
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  describeStorageBehaviour(() => storage);

  it('is refused with a wrong secret key or an unknown access key id', async () => {
    const key = uniqueKey('signed');
    await storage.put(key, Buffer.from('x'), meta);
    const wrongSecret = createS3Storage({ ...config, credentials: { ...TEST_S3_CREDENTIALS, secretAccessKey: 'not-the-secret' } });
    await expect(wrongSecret.get(key)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    await expect(wrongSecret.put(uniqueKey('forged'), Buffer.from('x'), meta)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    const unknownId = createS3Storage({ ...config, credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'S3RVER' } });
    await expect(unknownId.get(key)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it('keeps every key under S3_PREFIX', async () => {
    const prefixed = createS3Storage({ ...config, prefix: '/tenant-a/' });
    const key = uniqueKey('prefixed');
    await prefixed.put(key, Buffer.from('inside'), meta);
    expect((await getBytes(storage, `tenant-a/${key}`))?.toString()).toBe('inside');
    expect(await storage.get(key)).toBeNull();
  });

  it("answers a missing bucket with an error, not with 'nothing stored'", async () => {
    const noBucket = createS3Storage({ ...config, bucket: 'no-such-bucket-here' });
    await expect(noBucket.get(uniqueKey('x'))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('the test server’s SigV4 check', () => {
  // AWS's published example (S3 API reference, "Signature Calculations for the Authorization Header", GET Object).
  const example = {
    method: 'GET',
    url: '/test.txt',
    headers: {
      host: 'examplebucket.s3.amazonaws.com',
      range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    },
  };
  const exampleSecret = (id: string) => (id === 'AKIAIOSFODNN7EXAMPLE' ? 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' : undefined);

  it('accepts the AWS documentation example and refuses it altered', () => {
    expect(verifySigV4(example, exampleSecret)).toBe(true);
    expect(verifySigV4({ ...example, url: '/test.txt2' }, exampleSecret)).toBe(false);
    expect(verifySigV4({ ...example, headers: { ...example.headers, range: 'bytes=0-10' } }, exampleSecret)).toBe(false);
    expect(verifySigV4(example, () => 'another secret')).toBe(false);
  });
});

describe('storage settings from the environment', () => {
  const withEnv = (variables: Record<string, string>) => ({ ...process.env, S3_BUCKET: '', S3_ACCESS_KEY_ID: '', S3_SECRET_ACCESS_KEY: '', ...variables });

  it('uses files under DATA_DIR/storage without S3_BUCKET, and S3 with it', () => {
    const original = process.env;
    try {
      process.env = withEnv({});
      expect(getS3Config()).toBeNull();
      process.env = withEnv({ S3_BUCKET: 'parley', S3_FORCE_PATH_STYLE: '1', S3_REGION: '', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' });
      expect(getS3Config()).toMatchObject({
        bucket: 'parley',
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      });
      process.env = withEnv({ S3_BUCKET: 'parley', S3_ACCESS_KEY_ID: 'id' });
      expect(() => getEnv()).toThrow(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are a pair/);
    } finally {
      process.env = original;
    }
  });
});
