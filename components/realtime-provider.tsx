'use client';

import { useRouter } from 'next/navigation';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { getClientSocket, type ClientSocket } from '@/lib/realtime/client';
import { Outbox } from '@/lib/realtime/outbox';

export type ConnectionStatus = 'connecting' | 'connected' | 'offline';

/** How long an ended session waits before going to sign in (see onConnectError). */
const SIGN_IN_DELAY_MS = 1_000;

/**
 * The server pushes to a user's devices only while none of their tabs is visible: each handshake says whether this
 * tab is (socket.io sends `auth` with every connection attempt), and every change while connected is reported.
 */
function reportVisibility(socket: ClientSocket): () => void {
  const isVisible = () => document.visibilityState === 'visible';
  let stated = isVisible();
  socket.auth = (send) => send({ visible: (stated = isVisible()) });
  const report = () => {
    if (!socket.connected || stated === isVisible()) return;
    stated = isVisible();
    socket.emit('visibility:set', { visible: stated });
  };
  // 'connect' too: the tab may have been hidden or shown between the handshake and now.
  socket.on('connect', report);
  document.addEventListener('visibilitychange', report);
  return () => {
    socket.off('connect', report);
    document.removeEventListener('visibilitychange', report);
  };
}

const RealtimeContext = createContext<{ socket: ClientSocket; status: ConnectionStatus; outbox: Outbox } | null>(null);

export function RealtimeProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [socket] = useState(getClientSocket);
  const [outbox] = useState(() => new Outbox(socket, userId));
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const router = useRouter();

  useEffect(() => {
    let toSignIn: ReturnType<typeof setTimeout> | undefined;
    const onConnect = () => {
      setStatus('connected');
      // Whatever was written while offline (this visit or before a reload) goes out now, in order.
      void outbox.flush();
    };
    const onDisconnect = (reason: string) => {
      setStatus(navigator.onLine ? 'connecting' : 'offline');
      // The server closed this socket on purpose (sign-out or password change elsewhere). Socket.IO does not
      // reconnect by itself after that: try once, so a revoked session hears 'unauthorized' and goes to sign in.
      if (reason === 'io server disconnect') socket.connect();
    };
    const onConnectError = (error: Error) => {
      // The session ended (signed out elsewhere, password changed): go and sign in again, then come back.
      if (error.message === 'unauthorized') {
        // Signing out in this tab also closes the socket: its own redirect to /login (which unmounts this
        // provider and cancels the timer) should win over this one, which would come back to the chat.
        clearTimeout(toSignIn);
        toSignIn = setTimeout(() => router.replace(`/login?callbackUrl=${encodeURIComponent(window.location.pathname)}`), SIGN_IN_DELAY_MS);
        return;
      }
      setStatus(navigator.onLine ? 'connecting' : 'offline');
    };
    const onOffline = () => setStatus('offline');
    // The socket may have survived the outage (the browser held its frames): nothing else says we are back.
    const onOnline = () => setStatus(socket.connected ? 'connected' : 'connecting');
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
    const stopReporting = reportVisibility(socket);
    socket.connect();
    return () => {
      clearTimeout(toSignIn);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      stopReporting();
      socket.disconnect();
    };
  }, [socket, router, outbox]);

  return <RealtimeContext.Provider value={{ socket, status, outbox }}>{children}</RealtimeContext.Provider>;
}

export function useRealtime() {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('useRealtime must be used inside <RealtimeProvider>');
  return value;
}
