import type { ErrorCode } from '@/lib/errors';
import { FILE_MAX_BYTES, IMAGE_MAX_BYTES } from '@/lib/realtime/limits';

/** "820 B", "14 KB", "3.2 MB": what a person reads beside a file (1 KB = 1,024 bytes, as file managers count). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB`;
  const mb = kb / 1024;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

const typeNames: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/zip': 'ZIP archive',
  'text/plain': 'Text',
  'image/jpeg': 'JPEG image',
  'image/png': 'PNG image',
  'image/webp': 'WebP image',
  'image/gif': 'GIF image',
};

/** "PDF", "DOCX", "File": from the sniffed type when it is a common one, else from the name's extension. */
export function fileTypeLabel(mime: string, name: string): string {
  const known = typeNames[mime];
  if (known) return known;
  const extension = /\.([a-z0-9]{1,8})$/i.exec(name)?.[1];
  return extension ? extension.toUpperCase() : 'File';
}

/**
 * "Quarterly repo…(final).pdf": long names keep their start and their end (the extension, the version) visible,
 * which CSS truncation at the end would hide.
 */
export function truncateMiddle(name: string, max = 32): string {
  const characters = Array.from(name);
  if (characters.length <= max) return name;
  const tail = Math.floor((max - 1) / 3);
  return `${characters.slice(0, max - 1 - tail).join('')}…${characters.slice(-tail).join('')}`;
}

/** The types the server turns into images (it decides by the content; the browser's type is only a hint). */
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

/** Instant feedback for a file over its limit, before a single byte goes up; the server checks again. */
export function precheck(file: File): ErrorCode | null {
  const limit = IMAGE_TYPES.includes(file.type) ? IMAGE_MAX_BYTES : FILE_MAX_BYTES;
  return file.size > limit ? 'too_large' : null;
}
