import type https from 'node:https';
import webpush from 'web-push';
import { logger } from '@/lib/logger';
import type { PushPayload } from './payload';
import type { VapidDetails } from './vapid';

export type PushDevice = { endpoint: string; p256dh: string; auth: string };

/** A push the device did not get within a day is stale: the app shows the chat's truth when it next opens. */
const TTL_SECONDS = 24 * 60 * 60;

/** 'gone': the push service no longer knows the subscription (404, 410); the caller deletes it. */
export type PushOutcome = 'sent' | 'gone' | 'failed';

/**
 * One encrypted push (RFC 8291 aes128gcm, VAPID per RFC 8292) through web-push. Urgency high: a chat message is
 * for now (it wakes a phone from battery saving). The topic is the chat, so a push service holding an undelivered
 * push for this device and chat replaces it with the newer one.
 */
export async function sendPush(
  device: PushDevice,
  payload: PushPayload,
  options: { vapid: VapidDetails; agent: https.Agent; timeoutMs: number },
): Promise<PushOutcome> {
  try {
    await webpush.sendNotification({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, JSON.stringify(payload), {
      vapidDetails: options.vapid,
      TTL: TTL_SECONDS,
      urgency: 'high',
      // A uuid without its dashes: 32 base64url characters, the most a topic may have.
      topic: payload.chatId.replaceAll('-', ''),
      agent: options.agent,
      timeout: options.timeoutMs,
    });
    return 'sent';
  } catch (error) {
    // The endpoint is a capability (anyone holding it can push to the device): log its host, never the URL.
    const host = new URL(device.endpoint).host;
    if (error instanceof webpush.WebPushError) {
      if (error.statusCode === 404 || error.statusCode === 410) {
        logger.info('push_subscription_gone', { host, status: error.statusCode });
        return 'gone';
      }
      logger.warn('push_rejected', { host, status: error.statusCode });
      return 'failed';
    }
    logger.warn('push_unreachable', { host, message: error instanceof Error ? error.message : String(error) });
    return 'failed';
  }
}
