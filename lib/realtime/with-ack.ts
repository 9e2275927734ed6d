import type { z } from 'zod';
import { isDatabaseUnavailable } from '@/db/errors';
import { AppError, fail, ok, type ErrorCode, type Result } from '@/lib/errors';
import { logger } from '@/lib/logger';
import type { Ack } from './events';

function codeForInvalid(error: z.ZodError): ErrorCode {
  return error.issues.some((issue) => issue.message === 'too_long') ? 'too_long' : 'invalid_input';
}

/**
 * Wraps a socket handler: validates the payload with zod, runs the handler, and always answers the ack
 * with `{ok:true,data}` or `{ok:false,error}`. Expected failures are AppErrors; anything else is a bug,
 * logged and answered as `internal` without details.
 */
export function withAck<S extends z.ZodType, T>(
  event: string,
  schema: S,
  handler: (payload: z.infer<S>) => Promise<T>,
): (payload: unknown, ack: unknown) => Promise<void> {
  return async (payload, ack) => {
    // A client that sends no callback gets nothing back, and a bad one cannot crash the server.
    const reply: Ack<T> = typeof ack === 'function' ? (ack as Ack<T>) : () => {};
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return reply(fail(codeForInvalid(parsed.error)));
    let result: Result<T>;
    try {
      result = ok(await handler(parsed.data));
    } catch (error) {
      if (error instanceof AppError) {
        result = fail(error.code);
      } else if (isDatabaseUnavailable(error)) {
        logger.warn('socket_handler_unavailable', { event });
        result = fail('unavailable');
      } else {
        logger.error('socket_handler_failed', { event, error });
        result = fail('internal');
      }
    }
    reply(result);
  };
}
