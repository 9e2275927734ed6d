'use server';

import { z } from 'zod';
import * as push from '@/db/queries/push';
import { getCurrentUser } from '@/lib/auth';
import { fail, ok, type Result } from '@/lib/errors';
import { endpointRulesFromEnv, endpointSchema, pushSubscriptionSchema } from '@/lib/push/subscription';

const deviceSchema = () => z.object({ endpoint: endpointSchema(endpointRulesFromEnv()) });
const previewsSchema = () => z.object({ endpoint: endpointSchema(endpointRulesFromEnv()), previews: z.boolean() });

/**
 * Turns pushes on for this device (the browser's PushSubscription). Authorization: any signed-in user may register
 * the device they are on; a device registered by someone else before (a shared browser) becomes this user's.
 */
export async function savePushSubscription(input: unknown): Promise<Result<null>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = pushSubscriptionSchema(endpointRulesFromEnv()).safeParse(input);
  if (!parsed.success) return fail('invalid_input');
  const { endpoint, keys, previews } = parsed.data;
  await push.savePushSubscription({ userId: user.id, endpoint, p256dh: keys.p256dh, auth: keys.auth, previews });
  return ok(null);
}

/** Turns pushes off for this device: only the user's own (another user's device answers not_found, as a missing one). */
export async function deletePushSubscription(input: unknown): Promise<Result<null>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = deviceSchema().safeParse(input);
  if (!parsed.success) return fail('invalid_input');
  return (await push.deletePushSubscription({ userId: user.id, endpoint: parsed.data.endpoint })) ? ok(null) : fail('not_found');
}

/** Show who wrote and what on this device, or only "New message". */
export async function setPushPreviews(input: unknown): Promise<Result<null>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = previewsSchema().safeParse(input);
  if (!parsed.success) return fail('invalid_input');
  return (await push.setPushPreviews({ userId: user.id, ...parsed.data })) ? ok(null) : fail('not_found');
}

/** Whether the server has this device for this user, and its previews choice; null when it has not (or not for them). */
export async function getPushDevice(input: unknown): Promise<Result<{ previews: boolean } | null>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = deviceSchema().safeParse(input);
  if (!parsed.success) return fail('invalid_input');
  return ok(await push.getPushDevice({ userId: user.id, endpoint: parsed.data.endpoint }));
}
