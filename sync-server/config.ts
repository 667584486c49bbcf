// Server configuration from environment variables, validated once at start-up with documented defaults.
import path from 'node:path';
import { z } from 'zod';

/** OWASP Password Storage Cheat Sheet, argon2id: m=19 MiB, t=2, p=1. */
export const OWASP_ARGON2 = { memoryKib: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface Argon2Params {
  readonly memoryKib: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A duration in milliseconds between `min` and `max`. */
const ms = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Webhook delivery: network policy, timeouts, retry schedule and when a failing endpoint is disabled. */
export interface WebhookSettings {
  readonly allowPrivateNetworks: boolean;
  readonly timeoutMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  readonly retryForMs: number;
  readonly disableAfterMs: number;
  readonly pollMs: number;
  readonly logRetentionDays: number;
}

/** Where phone verification codes go (see sync-server/contact/sms.ts to add a provider). */
export interface SmsSettings {
  readonly provider: 'outbox' | 'http';
  readonly httpUrl: string | undefined;
  readonly httpToken: string | undefined;
}

export const ConfigEnv = z.object({
  PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8787)
    .describe('TCP port to listen on (0 picks a free one).'),
  HOST: z.string().default('127.0.0.1').describe('Interface to bind; 127.0.0.1 keeps the server local.'),
  DATA_DIR: z.string().default('.data').describe('Folder for the SQLite database, mail outbox and avatars.'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional()
    .describe('When set, use PostgreSQL instead of the embedded SQLite store.'),
  PUBLIC_URL: z
    .url()
    .optional()
    .describe('The URL people reach the server at (links in mail); default http://HOST:PORT.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('Largest accepted request body.'),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .positive()
    .default(1200)
    .describe('Requests per minute per IP.'),
  SMTP_URL: z
    .string()
    .optional()
    .describe('smtp(s):// URL of the mail relay; without it mail goes to DATA_DIR/outbox.'),
  MAIL_FROM: z.string().default('Accord <no-reply@accord.invalid>'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  CORS_ORIGINS: z
    .string()
    .default('app://accord')
    .describe(
      'Comma-separated origins allowed to call the API from elsewhere (the desktop app is app://accord).',
    ),
  APP_DIR: z
    .string()
    .default('renderer/dist')
    .describe('Built app served at / when the folder exists, so a browser can use Accord without Electron.'),
  TRUST_PROXY: flag.default(false).describe('Honour X-Forwarded-For (only behind a trusted reverse proxy).'),
  ARGON2_MEMORY_KIB: z.coerce
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 * 1024)
    .default(OWASP_ARGON2.memoryKib)
    .describe('argon2id memory cost in KiB (OWASP: 19456); lower it only for tests.'),
  ARGON2_TIME_COST: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(OWASP_ARGON2.timeCost)
    .describe('argon2id passes (OWASP: 2); lower it only for tests.'),
  ARGON2_PARALLELISM: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(OWASP_ARGON2.parallelism)
    .describe('argon2id lanes (OWASP: 1).'),
  ACCOUNT_DELETION_GRACE_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .describe(
      'Days between a deletion request and the purge of personal data; signing in meanwhile offers restore.',
    ),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag
    .default(false)
    .describe(
      'Let webhooks reach private, loopback and link-local addresses (and plain http there); for development and tests only.',
    ),
  WEBHOOK_TIMEOUT_MS: ms(100, 60_000, 5_000).describe('How long one webhook attempt may take.'),
  WEBHOOK_RETRY_BASE_MS: ms(1, HOUR_MS, 5_000).describe(
    'Delay before the first retry; it doubles per attempt (with jitter).',
  ),
  WEBHOOK_RETRY_MAX_DELAY_MS: ms(1, DAY_MS, HOUR_MS).describe('Longest delay between two attempts.'),
  WEBHOOK_RETRY_FOR_MS: ms(1, 7 * DAY_MS, DAY_MS).describe(
    'How long a failing delivery is retried before it is given up.',
  ),
  WEBHOOK_DISABLE_AFTER_MS: ms(1, 30 * DAY_MS, 5 * DAY_MS).describe(
    'An endpoint whose attempts all failed for this long is disabled and its owner notified by mail.',
  ),
  WEBHOOK_POLL_MS: ms(10, 60_000, 1_000).describe('How often the delivery worker looks for due deliveries.'),
  WEBHOOK_LOG_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .describe('Days a finished delivery stays in the delivery log.'),
  SMS_PROVIDER: z
    .enum(['outbox', 'http'])
    .default('outbox')
    .describe(
      'How phone codes are sent: files in DATA_DIR/sms-outbox, or an HTTP SMS gateway (SMS_HTTP_URL).',
    ),
  SMS_HTTP_URL: z
    .url()
    .optional()
    .describe('With SMS_PROVIDER=http: the gateway that receives {to, text} as JSON.'),
  SMS_HTTP_TOKEN: z.string().optional().describe('With SMS_PROVIDER=http: sent as a bearer token.'),
});

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  readonly logLevel: z.infer<typeof ConfigEnv>['LOG_LEVEL'];
  readonly bodyLimitBytes: number;
  readonly rateLimitPerMinute: number;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly shutdownTimeoutMs: number;
  readonly trustProxy: boolean;
  readonly corsOrigins: string[];
  readonly appDir: string;
  readonly argon2: Argon2Params;
  readonly deletionGraceDays: number;
  readonly webhooks: WebhookSettings;
  readonly sms: SmsSettings;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = ConfigEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid server configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl: e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0),
    appDir: path.resolve(e.APP_DIR),
    argon2: {
      memoryKib: e.ARGON2_MEMORY_KIB,
      timeCost: e.ARGON2_TIME_COST,
      parallelism: e.ARGON2_PARALLELISM,
    },
    deletionGraceDays: e.ACCOUNT_DELETION_GRACE_DAYS,
    webhooks: {
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxDelayMs: e.WEBHOOK_RETRY_MAX_DELAY_MS,
      retryForMs: e.WEBHOOK_RETRY_FOR_MS,
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER_MS,
      pollMs: e.WEBHOOK_POLL_MS,
      logRetentionDays: e.WEBHOOK_LOG_RETENTION_DAYS,
    },
    sms: { provider: e.SMS_PROVIDER, httpUrl: e.SMS_HTTP_URL, httpToken: e.SMS_HTTP_TOKEN },
  };
}
