'use client';

import { useEffect } from 'react';
import { clearDrafts } from '@/lib/offline/drafts';
import { clearOfflineData } from '@/lib/offline/store';

/** On the sign-in and register pages nobody is signed in here: the previous person's offline copy and drafts go. */
export function ForgetOfflineData() {
  useEffect(() => {
    void clearOfflineData();
    clearDrafts();
  }, []);
  return null;
}
