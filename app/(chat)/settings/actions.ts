'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import type { FormState } from '@/components/auth/form-state';
import { updatePrivacy } from '@/db/queries/presence';
import { getUserById, updateDisplayName, updatePassword } from '@/db/queries/users';
import { getCurrentSession, getCurrentUser, signIn } from '@/lib/auth';
import { disconnectOtherSessions } from '@/lib/realtime/notify';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { displayNameSchema, passwordSchema } from '@/lib/auth/validation';

const signedOut: FormState = { formError: 'Your session has ended. Please sign in again.' };

export async function changeDisplayName(_state: FormState, formData: FormData): Promise<FormState> {
  const user = await getCurrentUser();
  if (!user) return signedOut;
  const parsed = displayNameSchema.safeParse(formData.get('displayName') ?? '');
  if (!parsed.success) return { fieldErrors: { displayName: parsed.error.issues[0]?.message } };
  await updateDisplayName({ userId: user.id, displayName: parsed.data });
  revalidatePath('/', 'layout');
  return { success: 'Display name saved.' };
}

const passwordChangeSchema = z.object({ currentPassword: z.string().min(1, 'Enter your current password').max(128), newPassword: passwordSchema });

/** Requires the current password; bumping the session version signs out every other session. */
export async function changePassword(_state: FormState, formData: FormData): Promise<FormState> {
  const session = await getCurrentSession();
  if (!session) return signedOut;
  const { user } = session;
  const parsed = passwordChangeSchema.safeParse({ currentPassword: formData.get('currentPassword') ?? '', newPassword: formData.get('newPassword') ?? '' });
  if (!parsed.success) {
    const fields = z.flattenError(parsed.error).fieldErrors;
    return { fieldErrors: { currentPassword: fields.currentPassword?.[0], newPassword: fields.newPassword?.[0] } };
  }
  const stored = await getUserById(user.id);
  if (!stored || !(await verifyPassword(stored.passwordHash, parsed.data.currentPassword))) {
    return { fieldErrors: { currentPassword: 'Current password is wrong' } };
  }
  await updatePassword({ userId: user.id, passwordHash: await hashPassword(parsed.data.newPassword) });
  disconnectOtherSessions(user.id, session.sessionId);
  // Re-issue this session's token with the new version; the others now fail their check.
  await signIn('credentials', { username: stored.username, password: parsed.data.newPassword, redirectTo: '/settings?password=changed' });
  return {};
}

/** Both settings are reciprocal: hiding your last seen hides everyone's from you; so does turning receipts off. */
export async function changePrivacy(_state: FormState, formData: FormData): Promise<FormState> {
  const user = await getCurrentUser();
  if (!user) return signedOut;
  await updatePrivacy({
    userId: user.id,
    hideLastSeen: formData.get('hideLastSeen') === 'on',
    sendReadReceipts: formData.get('sendReadReceipts') === 'on',
  });
  revalidatePath('/', 'layout');
  return { success: 'Privacy settings saved.' };
}
