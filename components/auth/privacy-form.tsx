'use client';

import { changePrivacy } from '@/app/(chat)/settings/actions';
import { Button } from '@/components/ui/button';
import type { Privacy } from '@/db/queries/presence';
import { useFormAction } from './use-form-action';

export function PrivacyForm({ privacy }: { privacy: Privacy }) {
  const { state, onSubmit, pending } = useFormAction(changePrivacy);
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      <label className="flex items-start gap-3">
        <input type="checkbox" name="hideLastSeen" defaultChecked={privacy.hideLastSeen} className="mt-1 h-4 w-4" />
        <span>
          <span className="block font-medium">Hide my last seen</span>
          <span className="block text-sm text-muted">Others see when you are online, not when you were. You won&apos;t see theirs either.</span>
        </span>
      </label>
      <label className="flex items-start gap-3">
        <input type="checkbox" name="sendReadReceipts" defaultChecked={privacy.sendReadReceipts} className="mt-1 h-4 w-4" />
        <span>
          <span className="block font-medium">Send read receipts</span>
          <span className="block text-sm text-muted">When off, others don&apos;t see when you read their messages, and you don&apos;t see theirs.</span>
        </span>
      </label>
      {state.success ? (
        <p role="status" className="text-sm">
          {state.success}
        </p>
      ) : null}
      <Button type="submit" disabled={pending} className="self-start">
        Save privacy
      </Button>
    </form>
  );
}
