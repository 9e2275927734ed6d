'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { ChatList } from '@/components/chat/chat-list';
import { ChatRoom } from '@/components/chat/chat-room';
import { ChatShell } from '@/components/chat/chat-shell';
import { SidebarHeader } from '@/components/chat/sidebar-header';
import { RealtimeProvider, useRealtime } from '@/components/realtime-provider';
import { loadSnapshot, type OfflineSnapshot } from '@/lib/offline/store';
import type { PresenceDTO } from '@/lib/realtime/events';

const CHAT_PATH = /^\/c\/([0-9a-f-]{36})\/?$/i;
const NO_ENTRIES: never[] = [];

/**
 * The app as this device last saw it, for when the server cannot be reached: the service worker answers a
 * navigation that failed with this page (see public/sw.js), whatever the address. It shows the saved chat list
 * and, at /c/<id>, that chat's saved messages, with the same components as the live app; what is written goes
 * to the outbox. Once the server answers again and the outbox is sent, the real page is loaded in its place.
 */
export function OfflineApp() {
  const [snapshot, setSnapshot] = useState<OfflineSnapshot | null | undefined>(undefined);
  useEffect(() => {
    void loadSnapshot().then(setSnapshot, () => setSnapshot(null));
  }, []);

  if (snapshot === undefined) return null;
  if (snapshot === null) return <NothingSaved />;
  return (
    <RealtimeProvider userId={snapshot.me.id}>
      <SavedApp snapshot={snapshot} />
    </RealtimeProvider>
  );
}

function SavedApp({ snapshot }: { snapshot: OfflineSnapshot }) {
  const pathname = usePathname();
  const chatId = CHAT_PATH.exec(pathname)?.[1]?.toLowerCase();
  const chat = chatId ? snapshot.chats.find((c) => c.id === chatId) : undefined;
  const room = chat ? snapshot.rooms.get(chat.id) : undefined;
  useReloadWhenBack();

  return (
    <div className="flex h-dvh flex-col">
      <p role="status" className="bg-ink px-4 py-1.5 text-center text-sm text-surface" data-testid="offline-banner">
        Offline: showing what this device saved. What you write is sent when you are back.
      </p>
      <div className="min-h-0 flex-1 [&>div]:h-full">
        <ChatShell
          home={!chatId}
          sidebar={
            <>
              <SidebarHeader user={snapshot.me} />
              <ChatList initialChats={snapshot.chats} me={snapshot.me} />
            </>
          }
        >
          {chat ? (
            <ChatRoom
              key={chat.id}
              chat={chat}
              me={snapshot.me}
              initialMessages={room?.messages ?? []}
              initialMembers={room?.members ?? []}
              presence={chat.peer ? unknownPresence(chat.peer.id) : null}
              focusSeq={null}
            />
          ) : (
            <div className="flex h-full flex-col items-center justify-center gap-2 p-8 text-center">
              <h1 className="text-xl font-semibold">{chatId ? 'This chat is not saved on this device' : 'Parley'}</h1>
              <p className="max-w-sm text-muted">Pick a chat from the list to read what this device saved.</p>
            </div>
          )}
        </ChatShell>
      </div>
    </div>
  );
}

/** Offline, nobody's presence is known: "last seen" stays blank rather than guessing. */
function unknownPresence(userId: string): PresenceDTO {
  return { userId, online: false, lastSeenAt: null, at: new Date(0).toISOString() };
}

/** On a network that comes and goes, the copy and the live page would otherwise swap at every flicker. */
const RELOAD_AT_MOST_EVERY_MS = 15_000;
const LAST_RELOAD_KEY = 'parley:offline-reload-at';

/** Back online with nothing left to send: the live page (fresh list, presence, search) replaces this copy. */
function useReloadWhenBack() {
  const { status, outbox } = useRealtime();
  const entries = useSyncExternalStore(outbox.subscribe, outbox.snapshot, () => NO_ENTRIES);
  const sending = entries.some((entry) => entry.status === 'sending');
  useEffect(() => {
    if (status !== 'connected' || sending) return;
    const reload = () => {
      sessionStorage.setItem(LAST_RELOAD_KEY, String(Date.now()));
      // This page's own address would only load it again.
      if (window.location.pathname.startsWith('/app-shell')) window.location.replace('/');
      else window.location.reload();
    };
    const since = Date.now() - Number(sessionStorage.getItem(LAST_RELOAD_KEY) ?? 0);
    const timer = setTimeout(reload, Math.max(0, RELOAD_AT_MOST_EVERY_MS - since));
    return () => clearTimeout(timer);
  }, [status, sending]);
}

function NothingSaved() {
  return (
    <main className="flex h-dvh flex-col items-center justify-center gap-4 p-8 text-center">
      <h1 className="text-xl font-semibold">You&apos;re offline</h1>
      <p className="max-w-sm text-muted">Parley will reconnect when your network is back. Nothing is saved on this device to read meanwhile.</p>
      <button type="button" className="rounded-lg bg-accent px-4 py-2 font-medium text-accent-ink" onClick={() => window.location.reload()}>
        Try again
      </button>
    </main>
  );
}
