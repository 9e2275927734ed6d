import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { requireValidKey } from './keys';
import { SizeMismatchError, toReadable } from './streams';
import type { ObjectStorage } from './types';

const isMissing = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/**
 * Objects as files under `root` (default DATA_DIR/storage), for a single server or a shared volume.
 * A write lands in a temporary file beside its target and is renamed into place only once complete and synced, so a
 * reader sees the old file or the new one, never half of one, and a failed or aborted write leaves nothing behind.
 */
export function createFilesystemStorage(root: string): ObjectStorage {
  const absoluteRoot = path.resolve(root);
  const pathOf = (key: string) => path.join(absoluteRoot, ...requireValidKey(key));

  async function writeTemporaryFile(target: string, body: Buffer | Readable, size: number | undefined): Promise<string> {
    // '~' never appears in a valid key, so a temporary name cannot collide with a real object.
    const temporary = `${target}~${crypto.randomBytes(6).toString('hex')}.tmp`;
    const handle = await openCreatingDirectory(temporary);
    try {
      let written = 0;
      for await (const chunk of toReadable(body)) {
        written += (chunk as Buffer).length;
        if (size !== undefined && written > size) throw new SizeMismatchError(size, 'more than that');
        await handle.write(chunk as Buffer);
      }
      if (size !== undefined && written !== size) throw new SizeMismatchError(size, String(written));
      // Synced before the rename, so a crash cannot leave an empty file under the final name.
      await handle.sync();
      await handle.close();
      return temporary;
    } catch (error) {
      await handle.close().catch(() => {});
      await fsp.rm(temporary, { force: true });
      throw error;
    }
  }

  /** A concurrent delete may prune the directory between mkdir and open: try again a few times. */
  async function openCreatingDirectory(file: string): Promise<fsp.FileHandle> {
    for (let attempt = 1; ; attempt++) {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      try {
        return await fsp.open(file, 'wx');
      } catch (error) {
        if (!isMissing(error) || attempt >= 3) throw error;
      }
    }
  }

  /** Removes now-empty directories from `directory` up to (not including) the root; stops at the first non-empty one. */
  async function pruneEmptyDirectories(directory: string): Promise<void> {
    for (let current = directory; current.startsWith(absoluteRoot + path.sep); current = path.dirname(current)) {
      try {
        await fsp.rmdir(current);
      } catch {
        return; // ENOTEMPTY, or already gone: either way nothing more to prune.
      }
    }
  }

  return {
    async put(key, body, { size }) {
      const target = pathOf(key);
      const temporary = await writeTemporaryFile(target, body, size);
      try {
        await fsp.rename(temporary, target);
      } catch (error) {
        await fsp.rm(temporary, { force: true });
        throw error;
      }
    },

    async get(key) {
      const file = pathOf(key);
      let handle: fsp.FileHandle;
      try {
        handle = await fsp.open(file, 'r');
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      // The open descriptor keeps reading the same file even if it is replaced or deleted meanwhile.
      try {
        const { size } = await handle.stat();
        return { body: handle.createReadStream(), size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    async delete(keys) {
      const files = keys.map(pathOf); // Validate every key before removing any.
      for (const file of files) {
        try {
          await fsp.unlink(file);
        } catch (error) {
          if (!isMissing(error)) throw error;
          continue;
        }
        await pruneEmptyDirectories(path.dirname(file));
      }
    },
  };
}

/** For tests and diagnostics: whether anything but complete objects lives under the root (a leaked temp file). */
export function listTemporaryFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.tmp') && name.includes('~'));
}
