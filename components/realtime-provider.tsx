'use client';

import { useRouter } from 'next/navigation';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { getClientSocket, type ClientSocket } from '@/lib/realtime/client';

export type ConnectionStatus = 'connecting' | 'connected' | 'offline';

const RealtimeContext = createContext<{ socket: ClientSocket; status: ConnectionStatus } | null>(null);

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const [socket] = useState(getClientSocket);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const router = useRouter();

  useEffect(() => {
    const onConnect = () => setStatus('connected');
    const onDisconnect = (reason: string) => {
      setStatus(navigator.onLine ? 'connecting' : 'offline');
      // The server closed this socket on purpose (sign-out or password change elsewhere). Socket.IO does not
      // reconnect by itself after that: try once, so a revoked session hears 'unauthorized' and goes to sign in.
      if (reason === 'io server disconnect') socket.connect();
    };
    const onConnectError = (error: Error) => {
      // The session ended (signed out elsewhere, password changed): go and sign in again, then come back.
      if (error.message === 'unauthorized') {
        router.replace(`/login?callbackUrl=${encodeURIComponent(window.location.pathname)}`);
        return;
      }
      setStatus(navigator.onLine ? 'connecting' : 'offline');
    };
    const onOffline = () => setStatus('offline');
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    window.addEventListener('offline', onOffline);
    socket.connect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
      window.removeEventListener('offline', onOffline);
      socket.disconnect();
    };
  }, [socket, router]);

  return <RealtimeContext.Provider value={{ socket, status }}>{children}</RealtimeContext.Provider>;
}

export function useRealtime() {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('useRealtime must be used inside <RealtimeProvider>');
  return value;
}
