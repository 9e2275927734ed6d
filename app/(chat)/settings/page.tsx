import type { Metadata } from 'next';
import Link from 'next/link';
import { PrivacyForm } from '@/components/auth/privacy-form';
import { DisplayNameForm, PasswordForm } from '@/components/auth/settings-forms';
import { AvatarUpload } from '@/components/settings/avatar-upload';
import { PushSettings } from '@/components/settings/push-settings';
import { getPresenceFacts } from '@/db/queries/presence';
import { requireUser } from '@/lib/auth';
import { getEnv } from '@/lib/env';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ password?: string }> }) {
  const user = await requireUser();
  const [{ password }, facts] = await Promise.all([searchParams, getPresenceFacts(user.id)]);
  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto flex max-w-lg flex-col gap-8 px-4 py-6">
        <header className="flex items-center gap-3">
          <Link href="/" aria-label="Back to chats" className="rounded-lg px-2 py-1 text-xl leading-none md:hidden">
            ←
          </Link>
          <h1 className="text-xl font-semibold">Settings</h1>
        </header>
        <section aria-labelledby="profile-heading" className="flex flex-col gap-3">
          <h2 id="profile-heading" className="font-semibold">
            Profile
          </h2>
          <p className="text-sm text-muted [overflow-wrap:anywhere]">Signed in as @{user.username}</p>
          <DisplayNameForm displayName={user.displayName} />
        </section>
        <section aria-labelledby="picture-heading" className="flex flex-col gap-3">
          <h2 id="picture-heading" className="font-semibold">
            Profile picture
          </h2>
          <AvatarUpload
            endpoint="/api/avatars/me"
            currentUrl={user.avatarUrl}
            name={user.displayName}
            id={user.id}
            uploadLabel="Upload picture"
            removeLabel="Remove picture"
            refreshPage
          />
        </section>
        <section aria-labelledby="privacy-heading" className="flex flex-col gap-3">
          <h2 id="privacy-heading" className="font-semibold">
            Privacy
          </h2>
          <PrivacyForm privacy={{ hideLastSeen: facts?.hideLastSeen ?? false, sendReadReceipts: facts?.sendReadReceipts ?? true }} />
        </section>
        <section aria-labelledby="notifications-heading" className="flex flex-col gap-3">
          <h2 id="notifications-heading" className="font-semibold">
            Notifications
          </h2>
          {/* The public key only: a browser subscribes with it, and only pushes signed by its private half reach it. */}
          <PushSettings vapidPublicKey={getEnv().VAPID_PUBLIC_KEY ?? null} />
        </section>
        <section aria-labelledby="password-heading" className="flex flex-col gap-3">
          <h2 id="password-heading" className="font-semibold">
            Password
          </h2>
          <PasswordForm changed={password === 'changed'} />
        </section>
      </div>
    </div>
  );
}
