import { z } from 'zod';
import * as push from '@/db/queries/push';
import { getCurrentUser } from '@/lib/auth';
import { getAllowedOrigins } from '@/lib/env';
import { endpointRulesFromEnv, endpointSchema, pushSubscriptionSchema } from '@/lib/push/subscription';

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

function bodySchema() {
  const rules = endpointRulesFromEnv();
  return z.object({ oldEndpoint: endpointSchema(rules), subscription: pushSubscriptionSchema(rules).omit({ previews: true }) });
}

/**
 * The service worker's `pushsubscriptionchange` (Firefox renews subscriptions): the browser's new subscription
 * replaces the old one, keeping that device's previews choice. Only a device the signed-in user has turned on is
 * replaced: an unknown or someone else's old endpoint answers not_found and nothing is stored (push may be off
 * there). Settings use server actions; a service worker cannot call those, hence this route.
 */
export async function PUT(request: Request) {
  // A JSON PUT from another site needs a preflight this route never grants; the Origin check says so explicitly.
  const origin = request.headers.get('origin');
  if (origin && !getAllowedOrigins().has(origin)) return json({ ok: false, error: 'forbidden' }, 403);
  const user = await getCurrentUser();
  if (!user) return json({ ok: false, error: 'unauthorized' }, 401);
  const parsed = bodySchema().safeParse(await request.json().catch(() => null));
  if (!parsed.success) return json({ ok: false, error: 'invalid_input' }, 400);

  const { oldEndpoint, subscription } = parsed.data;
  const old = await push.getPushDevice({ userId: user.id, endpoint: oldEndpoint });
  if (!old) return json({ ok: false, error: 'not_found' }, 404);
  await push.deletePushSubscription({ userId: user.id, endpoint: oldEndpoint });
  await push.savePushSubscription({
    userId: user.id,
    endpoint: subscription.endpoint,
    p256dh: subscription.keys.p256dh,
    auth: subscription.keys.auth,
    previews: old.previews,
  });
  return json({ ok: true, data: null });
}
