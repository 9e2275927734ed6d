import type { Metadata } from 'next';
import { connection } from 'next/server';
import { OfflineApp } from '@/components/offline/offline-app';

export const metadata: Metadata = { title: 'Parley', robots: { index: false } };

/**
 * The offline app: the service worker keeps a copy and answers failed navigations with it. Nothing personal is
 * rendered here (the saved data comes from this device's IndexedDB), so it is public, and any copy suits anyone.
 */
export default async function AppShellPage() {
  // Rendered per request, so its scripts carry the nonce of the CSP header they are cached with (proxy.ts).
  await connection();
  return <OfflineApp />;
}
