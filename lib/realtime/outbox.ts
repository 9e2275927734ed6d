'use client';

import type { ErrorCode } from '@/lib/errors';
import type { ClientSocket } from './client';
import type { AttachmentDTO, MessageDTO } from './events';

/** A message written but not yet stored by the server, kept in IndexedDB across reloads and restarts. */
export type OutboxEntry = {
  clientId: string;
  /** The author: on a shared browser, one person's unsent messages are never sent under another's session. */
  userId: string;
  chatId: string;
  body: string;
  /** The message this one answers; optional, so entries saved before replies existed stay valid. */
  replyToId?: string;
  /** Already stored uploads the message carries (shown while it is pending); optional like replyToId. */
  attachments?: AttachmentDTO[];
  createdAt: string;
  status: 'sending' | 'failed';
  error?: ErrorCode;
};

const ACK_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 2_000;
/** Worth retrying by itself; every other error needs the person to decide (retry or discard). */
const TRANSIENT: ErrorCode[] = ['unavailable', 'internal'];

function openDb(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    const request = indexedDB.open('parley', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('outbox', { keyPath: 'clientId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null); // Private mode without IndexedDB: the outbox lives in memory only.
  });
}

function run<T>(db: IDBDatabase | null, mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined> {
  if (!db) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const request = action(db.transaction('outbox', mode).objectStore('outbox'));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(undefined);
  });
}

/**
 * One per tab: sends entries one at a time in the order they were written (across chats), resending the
 * same client id until the server stores it; the server stores each client id once.
 */
export class Outbox {
  private entries: OutboxEntry[] = [];
  private listeners = new Set<() => void>();
  private storedListeners = new Set<(message: MessageDTO) => void>();
  private flushing = false;
  private db = openDb();
  readonly ready: Promise<void>;

  constructor(
    private socket: ClientSocket,
    private userId: string,
  ) {
    this.ready = this.db
      .then((db) => run<OutboxEntry[]>(db, 'readonly', (store) => store.getAll() as IDBRequest<OutboxEntry[]>))
      .then((saved) => {
        const known = new Set(this.entries.map((e) => e.clientId));
        const restored = (saved ?? []).filter((e) => e.userId === userId && !known.has(e.clientId));
        this.entries = [...restored, ...this.entries].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        this.emit();
      });
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  onStored(listener: (message: MessageDTO) => void) {
    this.storedListeners.add(listener);
    return () => void this.storedListeners.delete(listener);
  }

  snapshot = () => this.entries;

  private emit() {
    this.entries = [...this.entries];
    for (const listener of this.listeners) listener();
  }

  private async save(entry: OutboxEntry) {
    await run(await this.db, 'readwrite', (store) => store.put(entry));
  }

  async add(entry: Omit<OutboxEntry, 'status' | 'userId'>) {
    const full: OutboxEntry = { ...entry, userId: this.userId, status: 'sending' };
    this.entries.push(full);
    this.emit();
    await this.save(full);
    void this.flush();
  }

  private async patch(clientId: string, change: Partial<OutboxEntry>) {
    const index = this.entries.findIndex((e) => e.clientId === clientId);
    if (index < 0) return;
    const next = { ...this.entries[index]!, ...change };
    this.entries[index] = next;
    this.emit();
    await this.save(next);
  }

  async remove(clientId: string) {
    this.entries = this.entries.filter((e) => e.clientId !== clientId);
    this.emit();
    await run(await this.db, 'readwrite', (store) => store.delete(clientId));
  }

  retry(clientId: string) {
    void this.patch(clientId, { status: 'sending', error: undefined }).then(() => this.flush());
  }

  async flush(): Promise<void> {
    await this.ready;
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.socket.connected) {
        const next = this.entries.find((e) => e.status === 'sending');
        if (!next) break;
        let result;
        try {
          result = await this.socket
            .timeout(ACK_TIMEOUT_MS)
            .emitWithAck('message:send', {
              chatId: next.chatId,
              clientId: next.clientId,
              body: next.body,
              ...(next.replyToId ? { replyToId: next.replyToId } : {}),
              ...(next.attachments?.length ? { attachmentIds: next.attachments.map((attachment) => attachment.id) } : {}),
            });
        } catch {
          // No ack in time: send the same client id again shortly; the server stores it once.
          await this.patch(next.clientId, { error: 'unavailable' });
          setTimeout(() => void this.flush(), RETRY_DELAY_MS);
          break;
        }
        if (result.ok) {
          for (const listener of this.storedListeners) listener(result.data);
          await this.remove(next.clientId);
        } else if (TRANSIENT.includes(result.error)) {
          // The server is up but could not store it (database away): say so, and keep trying.
          await this.patch(next.clientId, { error: result.error });
          setTimeout(() => void this.flush(), RETRY_DELAY_MS);
          break;
        } else {
          await this.patch(next.clientId, { status: 'failed', error: result.error });
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
