import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { RegisterServiceWorker } from '@/components/register-service-worker';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Parley', template: '%s · Parley' },
  description: 'Real-time chat that never loses a message.',
  applicationName: 'Parley',
  appleWebApp: { capable: true, title: 'Parley', statusBarStyle: 'default' },
  // Listing any icon here drops the automatic <link> for app/icon.png; without one, browsers fetch /favicon.ico
  // (a 404, logged as a console error: Lighthouse's best practices).
  icons: { icon: [{ url: '/icon.png', type: 'image/png' }], apple: '/icons/apple-touch-icon.png' },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  viewportFit: 'cover',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#4f46e5' },
    { media: '(prefers-color-scheme: dark)', color: '#0b0b0f' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="bg-surface font-sans text-ink antialiased">
        {children}
        <RegisterServiceWorker />
      </body>
    </html>
  );
}
