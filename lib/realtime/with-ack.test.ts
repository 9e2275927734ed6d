import { DrizzleQueryError } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { messageSendSchema } from './events';
import { withAck } from './with-ack';

const schema = z.object({ n: z.number() });

/** Runs a wrapped handler and returns what it passed to the ack. */
async function call(handler: (payload: { n: number }) => Promise<unknown>, payload: unknown) {
  const ack = vi.fn();
  await withAck('test:event', schema, handler)(payload, ack);
  expect(ack).toHaveBeenCalledTimes(1);
  return ack.mock.calls[0]![0];
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('withAck', () => {
  it('acks {ok:true,data} with the handler’s result, given the parsed payload', async () => {
    expect(await call(async ({ n }) => n * 2, { n: 21, extra: 'dropped' })).toEqual({ ok: true, data: 42 });
  });

  it('acks invalid_input without running the handler when the payload does not parse', async () => {
    const handler = vi.fn(async () => 'ran');
    expect(await call(handler, { n: 'one' })).toEqual({ ok: false, error: 'invalid_input' });
    expect(await call(handler, null)).toEqual({ ok: false, error: 'invalid_input' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('acks too_long for an over-long message body, and invalid_input when something else is wrong too', async () => {
    const ack = vi.fn();
    const handler = vi.fn(async () => 'ran');
    const valid = { chatId: crypto.randomUUID(), clientId: crypto.randomUUID() };
    await withAck('message:send', messageSendSchema, handler)({ ...valid, body: 'x'.repeat(4001) }, ack);
    expect(ack).toHaveBeenLastCalledWith({ ok: false, error: 'too_long' });
    await withAck('message:send', messageSendSchema, handler)({ ...valid, body: ' ' }, ack);
    expect(ack).toHaveBeenLastCalledWith({ ok: false, error: 'invalid_input' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('acks the code of an AppError', async () => {
    expect(
      await call(async () => {
        throw new AppError('not_found');
      }, { n: 1 }),
    ).toEqual({ ok: false, error: 'not_found' });
  });

  it('acks internal, without details, for any other error', async () => {
    vi.stubEnv('LOG_LEVEL', 'silent');
    expect(
      await call(async () => {
        throw new Error('database password is hunter2');
      }, { n: 1 }),
    ).toEqual({ ok: false, error: 'internal' });
  });

  // App bug: a failed query's error message and stack carry its parameters (here a message body), and
  // logger.error writes them out, against "never bodies" (lib/logger.ts). Fix: in serializeError, log a
  // DrizzleQueryError as { name, query, cause: { name, code, message } } without `params` or its message.
  it('logs a failed query without its parameters, which hold message bodies', async () => {
    vi.stubEnv('LOG_LEVEL', 'error');
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
      await call(async () => {
        throw new DrizzleQueryError('insert into "messages" ("body") values ($1)', ['a very private body'], cause);
      }, { n: 1 });
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('socket_handler_failed');
    expect(written.join('')).not.toContain('a very private body');
  });

  it('survives a client that sends no ack callback', async () => {
    const handler = vi.fn(async () => 'ran');
    await expect(withAck('test:event', schema, handler)({ n: 1 }, 'not a function')).resolves.toBeUndefined();
    await expect(withAck('test:event', schema, handler)({ n: 'bad' }, undefined)).resolves.toBeUndefined();
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
