// Every environment variable Rollcall reads, parsed and checked once at start-up.
// Nothing else in the code reads process.env.
import path from 'node:path';
import { z } from 'zod';

export const DEV_API_KEY = 'plugnmeet';
export const DEV_API_SECRET = 'rollcall-dev-secret-change-me';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A whole decimal number (no 0x10, 1e3 or 4.5); empty means the default. */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
      if (!(n >= min && n <= max)) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const url = (protocols: string[], example: string) =>
  optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL like ${example}` },
  );

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: wholeNumber(0, 65535, 4000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/db'),
  DATABASE_POOL_SIZE: wholeNumber(1, 200, 10),
  DATABASE_PREPARED_STATEMENTS: z.enum(['true', 'false']).default('true'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  PLUGNMEET_API_KEY: optionalString,
  PLUGNMEET_API_SECRET: optionalString,
  PLUGNMEET_SERVER_URL: url(['http:', 'https:'], 'https://plugnmeet.example.org'),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  REDIS_CHANNEL_PREFIX: z.string().default('rollcall:'),
  ADMIN_API_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  DASHBOARD_JWT_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters (HS256 key)',
  }),
  DASHBOARD_JWKS_URL: url(['http:', 'https:'], 'https://lms.example.org/.well-known/jwks.json'),
  DASHBOARD_JWT_ISSUER: optionalString,
  DASHBOARD_JWT_AUDIENCE: optionalString,
  RECONCILE_INTERVAL_SECONDS: wholeNumber(0, 86_400, 60),
  ANALYTICS_MAX_FILE_MB: wholeNumber(1, 1024, 32),
  INFERRED_END_AFTER_SECONDS: wholeNumber(0, 30 * 86_400, 1800),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: wholeNumber(1, 10_000, 50),
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  RETENTION_DAYS: wholeNumber(0, 36_500, 0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAPHIQL: z.enum(['true', 'false']).optional(),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  database:
    | { kind: 'postgres'; url: string; poolSize: number; preparedStatements: boolean }
    | { kind: 'embedded'; dir: string };
  dataDir: string;
  plugnmeet: { apiKey: string; apiSecret: string; serverUrl?: string; usingDevCredentials: boolean };
  redisUrl?: string;
  redisChannelPrefix: string;
  adminApiToken?: string;
  dashboard: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string };
  maxSubscriptionsPerConnection: number;
  /** Time between two reconciliations with PlugNMeet's API; 0: none. Needs plugnmeet.serverUrl. */
  reconcileIntervalMs: number;
  /** A live run with nobody online and no event for this long is ended (inferred); 0: never. */
  inferredEndAfterMs: number;
  /** A larger analytics file is not imported (the import fails, saying so). Needs plugnmeet.serverUrl. */
  analyticsMaxFileBytes: number;
  /** Bearer token GET /metrics requires; unset: /metrics is open. */
  metricsToken?: string;
  /** Sessions, attendances and stored webhooks older than this many days are deleted; 0: kept. */
  retentionDays: number;
  logLevel: string;
  /** Unset: readable lines on a terminal in development, JSON otherwise (logger.ts). */
  logFormat?: 'json' | 'pretty';
  graphiql: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        return `invalid ${name}: ${issue.message} (got ${shown(name, env[name] ?? '')})`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    if (!e.PLUGNMEET_API_KEY) problems.push('missing PLUGNMEET_API_KEY: required when NODE_ENV=production');
    if (!e.PLUGNMEET_API_SECRET) problems.push('missing PLUGNMEET_API_SECRET: required when NODE_ENV=production');
    if (!e.ADMIN_API_TOKEN) problems.push('missing ADMIN_API_TOKEN: required when NODE_ENV=production');
    if (!e.DASHBOARD_JWT_SECRET && !e.DASHBOARD_JWKS_URL) {
      problems.push(
        'missing DASHBOARD_JWT_SECRET (or DASHBOARD_JWKS_URL): a dashboard token verifier is required when NODE_ENV=production',
      );
    }
  }
  if (e.DASHBOARD_JWT_SECRET && e.DASHBOARD_JWKS_URL) {
    problems.push('DASHBOARD_JWT_SECRET and DASHBOARD_JWKS_URL are exclusive: set one way to verify dashboard tokens');
  }
  if (Boolean(e.PLUGNMEET_API_KEY) !== Boolean(e.PLUGNMEET_API_SECRET)) {
    problems.push('PLUGNMEET_API_KEY and PLUGNMEET_API_SECRET must be set together');
  }
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DATA_DIR);
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          poolSize: e.DATABASE_POOL_SIZE,
          preparedStatements: e.DATABASE_PREPARED_STATEMENTS === 'true',
        }
      : { kind: 'embedded', dir: dataDir },
    dataDir,
    plugnmeet: {
      apiKey: e.PLUGNMEET_API_KEY ?? DEV_API_KEY,
      apiSecret: e.PLUGNMEET_API_SECRET ?? DEV_API_SECRET,
      serverUrl: e.PLUGNMEET_SERVER_URL?.replace(/\/+$/, ''),
      usingDevCredentials: !e.PLUGNMEET_API_KEY,
    },
    redisUrl: e.REDIS_URL,
    redisChannelPrefix: e.REDIS_CHANNEL_PREFIX,
    adminApiToken: e.ADMIN_API_TOKEN,
    dashboard: {
      secret: e.DASHBOARD_JWT_SECRET,
      jwksUrl: e.DASHBOARD_JWKS_URL,
      issuer: e.DASHBOARD_JWT_ISSUER,
      audience: e.DASHBOARD_JWT_AUDIENCE,
    },
    maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_SECONDS * 1000,
    inferredEndAfterMs: e.INFERRED_END_AFTER_SECONDS * 1000,
    analyticsMaxFileBytes: e.ANALYTICS_MAX_FILE_MB * 1024 * 1024,
    metricsToken: e.METRICS_TOKEN,
    retentionDays: e.RETENTION_DAYS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    graphiql: e.GRAPHIQL ? e.GRAPHIQL === 'true' : e.NODE_ENV !== 'production',
  };
}

const SECRETS = new Set(['PLUGNMEET_API_SECRET', 'ADMIN_API_TOKEN', 'DASHBOARD_JWT_SECRET', 'METRICS_TOKEN']);

/** A rejected value as an error line may show it: never a secret, nor a URL's password. */
function shown(name: string, value: string): string {
  if (SECRETS.has(name)) return `${value.length} characters, not shown`;
  return JSON.stringify(redactUrl(value));
}

/** The same configuration with secrets masked, for the start-up log. */
export function describeConfig(config: Config) {
  return {
    nodeEnv: config.nodeEnv,
    listen: `${config.host}:${config.port}`,
    database:
      config.database.kind === 'postgres' ? redactUrl(config.database.url) : `embedded (${config.database.dir})`,
    bus: config.redisUrl ? `redis (${redactUrl(config.redisUrl)})` : 'in-process',
    plugnmeetServer: config.plugnmeet.serverUrl ?? null,
    reconcile:
      config.plugnmeet.serverUrl && config.reconcileIntervalMs > 0
        ? `every ${config.reconcileIntervalMs / 1000} s`
        : 'off',
    analyticsImport: config.plugnmeet.serverUrl
      ? `on (files up to ${config.analyticsMaxFileBytes / 1024 / 1024} MB)`
      : 'off',
    inferredEnd: config.inferredEndAfterMs > 0 ? `after ${config.inferredEndAfterMs / 1000} s quiet` : 'off',
    adminToken: config.adminApiToken ? 'set' : 'unset',
    metrics: config.metricsToken ? 'behind METRICS_TOKEN' : 'open',
    retention: config.retentionDays > 0 ? `${config.retentionDays} days` : 'keep',
    dashboardTokens: config.dashboard.jwksUrl
      ? `JWKS (${config.dashboard.jwksUrl})`
      : config.dashboard.secret
        ? 'HS256 secret'
        : 'unset',
  };
}

/** A URL's password as ***; by pattern, not by parsing, so that a rejected (malformed) URL is masked too. */
function redactUrl(value: string): string {
  return value.replace(/(\/\/[^/:@]*:)[^/@]*@/, '$1***@');
}
