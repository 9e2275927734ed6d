'use client';

import { useEffect } from 'react';
import { clearDrafts } from '@/lib/offline/drafts';
import { clearOfflineData } from '@/lib/offline/store';
import { unsubscribeThisDevice } from '@/lib/push/device';

/**
 * On the sign-in and register pages nobody is signed in here: the previous person's offline copy, drafts and
 * push subscription go.
 */
export function ForgetDeviceData() {
  useEffect(() => {
    void clearOfflineData();
    clearDrafts();
    void unsubscribeThisDevice().catch(() => {});
  }, []);
  return null;
}
