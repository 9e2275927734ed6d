import type { ReactNode } from 'react';
import { ForgetDeviceData } from '@/components/offline/forget-device-data';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-center justify-center bg-surface-alt px-4 py-10">
      <div className="w-full max-w-sm rounded-2xl border border-line bg-surface-raised p-6 shadow-sm">
        <p className="mb-6 text-center text-2xl font-bold tracking-tight text-accent">Parley</p>
        {children}
      </div>
      <ForgetDeviceData />
    </main>
  );
}
