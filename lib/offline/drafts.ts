'use client';

/**
 * Unsent text per chat, kept in this browser across reloads (as WhatsApp Web and Telegram do): a reload, a crash
 * or the offline copy giving way to the live page never loses what someone was typing. Forgotten on sign-out.
 */
const PREFIX = 'parley:draft:';

export function draftKey(userId: string, chatId: string): string {
  return `${PREFIX}${userId}:${chatId}`;
}

// Storage can be missing or full (private modes, quota): a draft is a convenience, never an error.
export function readDraft(key: string): string {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

export function writeDraft(key: string, text: string): void {
  try {
    if (text.trim()) localStorage.setItem(key, text);
    else localStorage.removeItem(key);
  } catch {
    // See above.
  }
}

export function clearDrafts(): void {
  try {
    const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter((key) => key?.startsWith(PREFIX));
    for (const key of keys) localStorage.removeItem(key!);
  } catch {
    // See above.
  }
}
