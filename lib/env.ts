import { z } from 'zod';

// Empty strings count as unset, so `FOO=` in a .env file means "use the default".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** A base64url string (no padding) that decodes to exactly `bytes` bytes. */
const base64urlBytes = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url without padding')
    .refine((value) => Buffer.from(value, 'base64url').length === bytes, `${bytes} bytes, base64url`);

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: optional(z.string()),
    // Names this instance in the x-parley-instance handshake header (default host:port).
    INSTANCE_ID: optional(z.string().max(200)),
    APP_URL: optional(z.url()),
    ALLOWED_ORIGINS: optional(z.string()),
    DATABASE_URL: optional(z.string().startsWith('postgres')),
    REDIS_URL: optional(z.string().startsWith('redis')),
    REDIS_PREFIX: optional(z.string()),
    AUTH_SECRET: optional(z.string().min(32)),
    DATA_DIR: optional(z.string()),
    // Web Push (VAPID, RFC 8292): the application server's P-256 key pair, base64url as web-push generates it.
    // Both or neither; unset, server.ts generates a pair once and keeps it in DATA_DIR/vapid-keys.json.
    VAPID_PUBLIC_KEY: optional(base64urlBytes(65)),
    VAPID_PRIVATE_KEY: optional(base64urlBytes(32)),
    // A contact the push services can reach about abuse: mailto: or https:. Default derived from APP_URL.
    VAPID_SUBJECT: optional(z.string().regex(/^(mailto:|https:\/\/)\S+$/, 'a mailto: or https: URL')),
    // Comma-separated push service hosts subscriptions may point at ('.example.com' = any subdomain); replaces the
    // default list (lib/push/subscription.ts).
    PUSH_SERVICE_HOSTS: optional(
      z
        .string()
        .transform((value) => value.split(',').map((host) => host.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^\.?[a-z0-9.-]+$/i, 'host names')).min(1)),
    ),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    // Per user and instance: a burst of SEND_RATE_BURST messages, refilled at SEND_RATE_PER_SECOND.
    SEND_RATE_PER_SECOND: z.coerce.number().positive().default(10),
    SEND_RATE_BURST: z.coerce.number().int().min(1).default(20),
    // Behind a reverse proxy (nginx) that appends the client's address to X-Forwarded-For.
    TRUST_PROXY: z.preprocess((value) => value === 'true' || value === '1', z.boolean()).default(false),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    // Attachments and avatars go to this S3 (or S3-compatible) bucket when set; unset, to files under DATA_DIR/storage.
    S3_BUCKET: optional(z.string().min(3).max(63)),
    S3_REGION: z.preprocess((value) => (value === '' ? undefined : value), z.string().default('us-east-1')),
    // MinIO, Cloudflare R2, ...: the service's URL. Unset = AWS.
    S3_ENDPOINT: optional(z.url()),
    // Both or neither; unset, the AWS SDK's default chain (AWS_* variables, instance or task role).
    S3_ACCESS_KEY_ID: optional(z.string()),
    S3_SECRET_ACCESS_KEY: optional(z.string()),
    // Bucket in the path (http://host/bucket/key), as most S3-compatible servers want, instead of the host name.
    S3_FORCE_PATH_STYLE: z.preprocess((value) => value === 'true' || value === '1', z.boolean()).default(false),
    // Prepended to every key ('parley' → parley/attachments/...), so deployments can share a bucket.
    S3_PREFIX: optional(z.string().regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits, ".", "_", "-" and "/"')),
  })
  .refine((env) => (env.VAPID_PUBLIC_KEY === undefined) === (env.VAPID_PRIVATE_KEY === undefined), {
    message: 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are a pair: set both or neither',
  })
  .refine((env) => (env.S3_ACCESS_KEY_ID === undefined) === (env.S3_SECRET_ACCESS_KEY === undefined), {
    message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are a pair: set both or neither',
  });

export type Env = z.infer<typeof envSchema>;

/** Parsed on every call: server.ts fills in generated values (secret, embedded DATABASE_URL) at start-up. */
export function getEnv(): Env {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid environment: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function getAppUrl(env: Env = getEnv()): URL {
  return new URL(env.APP_URL ?? `http://localhost:${env.PORT}`);
}

/** Auth.js names its cookie (and salts its JWT) by protocol; derive it from the public URL, never NODE_ENV. */
export function usesSecureCookies(env: Env = getEnv()): boolean {
  return getAppUrl(env).protocol === 'https:';
}

export function getAllowedOrigins(env: Env = getEnv()): Set<string> {
  const appUrl = getAppUrl(env);
  const origins = new Set([appUrl.origin]);
  if (appUrl.hostname === 'localhost') origins.add(`${appUrl.protocol}//127.0.0.1${appUrl.port ? `:${appUrl.port}` : ''}`);
  for (const origin of (env.ALLOWED_ORIGINS ?? '').split(',')) {
    if (origin.trim()) origins.add(new URL(origin.trim()).origin);
  }
  return origins;
}

export function getRedisPrefix(env: Env = getEnv()): string {
  return env.REDIS_PREFIX ?? 'parley:';
}

/** Who push services may contact about this server's pushes: VAPID_SUBJECT, else an address at APP_URL's host. */
export function getVapidSubject(env: Env = getEnv()): string {
  if (env.VAPID_SUBJECT) return env.VAPID_SUBJECT;
  const host = env.APP_URL ? new URL(env.APP_URL).hostname : 'localhost';
  return `mailto:admin@${host}`;
}
