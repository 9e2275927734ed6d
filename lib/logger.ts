import { DrizzleQueryError } from 'drizzle-orm';
import { getEnv } from './env';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

type Fields = Record<string, unknown>;

function serializeError(value: unknown): unknown {
  // A failed query's message and stack repeat its parameters (message bodies, hashes): keep the SQL and the cause only.
  if (value instanceof DrizzleQueryError) {
    const cause = value.cause as (Error & { code?: string }) | undefined;
    return { name: value.name, query: value.query, cause: cause && { name: cause.name, code: cause.code, message: cause.message } };
  }
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/**
 * One JSON line per event in production, a readable line in development.
 * Callers pass ids and codes, never message bodies, cookies or tokens.
 */
function write(level: Level, event: string, fields: Fields = {}) {
  const env = getEnv();
  if (order[level] < order[env.LOG_LEVEL]) return;
  const entries = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, serializeError(v)]));
  const stream = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
  if (env.NODE_ENV === 'production') {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...entries })}\n`);
  } else {
    const extra = Object.keys(entries).length ? ` ${JSON.stringify(entries)}` : '';
    stream.write(`[${level}] ${event}${extra}\n`);
  }
}

export const logger = {
  debug: (event: string, fields?: Fields) => write('debug', event, fields),
  info: (event: string, fields?: Fields) => write('info', event, fields),
  warn: (event: string, fields?: Fields) => write('warn', event, fields),
  error: (event: string, fields?: Fields) => write('error', event, fields),
};
