// Server configuration from environment variables, validated once at start-up with documented defaults.
import path from 'node:path';
import { z } from 'zod';

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

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
  };
}
