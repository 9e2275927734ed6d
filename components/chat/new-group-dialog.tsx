'use client';

import dynamic from 'next/dynamic';
import { NeedsConnection } from '@/components/ui/needs-connection';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';

// The form, its people picker and the action are fetched on first open, not shipped with every page
// (first-load JS budget of the chat page).
// Offline, a form never opened while online is not on the device: NeedsConnection says so instead of crashing.
const NewGroupDialog = dynamic(() => import('./new-group-form').then((module) => module.NewGroupDialog, () => NeedsConnection));

/** "New group" in the sidebar header, and the dialog it opens. */
export function NewGroupButton({ className }: { className: string }) {
  // The installed app's "New group" shortcut (app/manifest.ts) lands on /?new=group with the dialog open.
  const shortcut = useSearchParams().get('new');
  const [open, setOpen] = useState(shortcut === 'group');
  const [prevShortcut, setPrevShortcut] = useState(shortcut);
  if (prevShortcut !== shortcut) {
    setPrevShortcut(shortcut);
    if (shortcut === 'group') setOpen(true);
  }
  return (
    <>
      <button type="button" aria-haspopup="dialog" aria-label="New group" title="New group" onClick={() => setOpen(true)} className={className}>
        {/* Two people and a plus. */}
        <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="h-5 w-5">
          <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2" />
          <circle cx="9" cy="7" r="4" />
          <path d="M19 8v6M22 11h-6" />
        </svg>
      </button>
      {open ? <NewGroupDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}
