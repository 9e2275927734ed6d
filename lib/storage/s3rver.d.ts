// s3rver ships no types; only what lib/storage/storage.test.ts uses.
declare module 's3rver' {
  import type { RequestListener, Server } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
  }

  interface S3rverObject {
    bucket: string;
    key: string;
    /** The incoming request for a PUT. */
    content: unknown;
    metadata: Record<string, string>;
  }

  interface FilesystemStore {
    putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
    getResourcePath(bucket: string, key: string, resource: 'object'): string;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    store: FilesystemStore;
    listen(port: number, address: string): Promise<Server>;
    callback(): RequestListener;
  }
}
