'use client';

import { useEffect } from 'react';
import { clearOfflineData } from '@/lib/offline/store';

/** On the sign-in and register pages nobody is signed in here: the previous person's offline copy goes. */
export function ForgetOfflineData() {
  useEffect(() => {
    void clearOfflineData();
  }, []);
  return null;
}
