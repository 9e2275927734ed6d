'use client';

import type { ChatSummaryDTO, MemberDTO, MessageDTO, UserDTO } from '@/lib/realtime/events';

/**
 * What this device keeps to be readable offline: who is signed in, their chat list, and the newest messages
 * (and, for groups, the members, for names) of their most recent chats. Private data: it is dropped on sign-out
 * and whenever somebody else signs in on this browser.
 */
export type OfflineList = { userId: string; me: UserDTO; chats: ChatSummaryDTO[]; savedAt: string };
export type OfflineRoom = {
  chatId: string;
  userId: string;
  messages: MessageDTO[];
  members: MemberDTO[];
  /** What the chat list said of the chat when this was read, to tell whether it must be read again. */
  version: string;
  memberCount: number;
  savedAt: string;
};
export type OfflineSnapshot = { me: UserDTO; chats: ChatSummaryDTO[]; rooms: Map<string, OfflineRoom> };

/** Its own database, so the outbox's ('parley') never needs a version change for this. */
const DB_NAME = 'parley-offline';
const LIST = 'list';
const ROOMS = 'rooms';
const LIST_KEY = 'current';

let opening: Promise<IDBDatabase | null> | null = null;

function openDb(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  opening ??= new Promise((resolve) => {
    // No IndexedDB (some private modes throw, others fail the request): the app works online, just not offline.
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.open(DB_NAME, 1);
    } catch {
      return resolve(null);
    }
    request.onupgradeneeded = () => {
      request.result.createObjectStore(LIST);
      request.result.createObjectStore(ROOMS, { keyPath: 'chatId' });
    };
    request.onsuccess = () => {
      // The browser may close it (storage cleared, say): open afresh next time.
      request.result.onclose = () => void (opening = null);
      resolve(request.result);
    };
    request.onerror = () => resolve(null);
  });
  return opening;
}

/** Runs one transaction over the given stores; resolves when it commits (false if it could not). */
async function transact(stores: string[], mode: IDBTransactionMode, work: (tx: IDBTransaction) => void): Promise<boolean> {
  const db = await openDb();
  if (!db) return false;
  return new Promise((resolve) => {
    try {
      const tx = db.transaction(stores, mode);
      work(tx);
      tx.oncomplete = () => resolve(true);
      tx.onerror = () => resolve(false);
      tx.onabort = () => resolve(false);
    } catch {
      resolve(false); // e.g. the quota is exhausted or the database is closing
    }
  });
}

function read<T>(request: IDBRequest): Promise<T | undefined> {
  return new Promise((resolve) => {
    request.onsuccess = () => resolve(request.result as T);
    request.onerror = () => resolve(undefined);
  });
}

/** Replaces the saved list; another person's saved chats go at the same time. */
export async function saveChatList(me: UserDTO, chats: ChatSummaryDTO[]): Promise<void> {
  const list: OfflineList = { userId: me.id, me, chats, savedAt: new Date().toISOString() };
  const previous = await loadList();
  await transact([LIST, ROOMS], 'readwrite', (tx) => {
    if (previous && previous.userId !== me.id) tx.objectStore(ROOMS).clear();
    tx.objectStore(LIST).put(list, LIST_KEY);
  });
}

/** Saves the rooms given and drops every other saved room (those chats fell out of the most recent ones). */
export async function saveRooms(userId: string, rooms: Array<Omit<OfflineRoom, 'userId' | 'savedAt'>>, keep: string[]): Promise<void> {
  const savedAt = new Date().toISOString();
  const keepIds = new Set(keep);
  const stale = (await savedRoomIds()).filter((id) => !keepIds.has(id));
  await transact([ROOMS], 'readwrite', (tx) => {
    const store = tx.objectStore(ROOMS);
    for (const id of stale) store.delete(id);
    for (const room of rooms) store.put({ ...room, userId, savedAt } satisfies OfflineRoom);
  });
}

async function loadList(): Promise<OfflineList | undefined> {
  const db = await openDb();
  if (!db) return undefined;
  try {
    return await read<OfflineList>(db.transaction(LIST).objectStore(LIST).get(LIST_KEY));
  } catch {
    return undefined;
  }
}

async function savedRoomIds(): Promise<string[]> {
  const db = await openDb();
  if (!db) return [];
  try {
    return ((await read<IDBValidKey[]>(db.transaction(ROOMS).objectStore(ROOMS).getAllKeys())) ?? []).map(String);
  } catch {
    return [];
  }
}

/** Everything saved for the person last signed in here, or null when nothing is. */
export async function loadSnapshot(): Promise<OfflineSnapshot | null> {
  const list = await loadList();
  const db = await openDb();
  if (!list || !db) return null;
  let rooms: OfflineRoom[] = [];
  try {
    rooms = (await read<OfflineRoom[]>(db.transaction(ROOMS).objectStore(ROOMS).getAll())) ?? [];
  } catch {
    // The list alone is still worth showing.
  }
  const mine = rooms.filter((room) => room.userId === list.userId);
  return { me: list.me, chats: list.chats, rooms: new Map(mine.map((room) => [room.chatId, room])) };
}

/**
 * Sign-out (or a session that ended): the copy goes. The outbox stays: its unsent messages go out only under their
 * author's session, after they sign in again (a session that merely expired must not lose them).
 */
export async function clearOfflineData(): Promise<void> {
  await transact([LIST, ROOMS], 'readwrite', (tx) => {
    tx.objectStore(LIST).clear();
    tx.objectStore(ROOMS).clear();
  });
}
