import path from 'node:path';
import { z } from 'zod';
import { SecretKeyring } from '../crypto/SecretKeyring.js';

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z.url().optional();
const optionalSecret = z.string().min(1).optional();
// Parsed here so a malformed list stops start-up with the variable's name; the messages quote no key.
const secretKeys = z.string().transform((text, context) => {
  try {
    return SecretKeyring.parse(text);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * Every setting Vaporform reads from the environment, parsed once at start. The README's configuration
 * table lists the same names and defaults; keep them in step.
 */
const EnvSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VAPORFORM_DATA_DIR: z.string().min(1).default('./.vaporform'),
  VAPORFORM_PUBLIC_URL: optionalUrl,
  VAPORFORM_PREVIEW_HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  S3_ENDPOINT: optionalUrl,
  S3_BUCKET: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: optionalSecret,
  S3_SECRET_ACCESS_KEY: optionalSecret,
  VAPORFORM_RUNTIME: z.enum(['auto', 'docker', 'local', 'kubernetes']).default('auto'),
  ANTHROPIC_API_KEY: optionalSecret,
  ANTHROPIC_BASE_URL: optionalUrl,
  OPENAI_API_KEY: optionalSecret,
  OPENAI_BASE_URL: optionalUrl,
  VAPORFORM_MODEL: z.string().min(1).optional(),
  VAPORFORM_AGENT_MAX_ITERATIONS: z.coerce.number().int().min(1).max(200).default(40),
  VAPORFORM_AGENT_MAX_TOKENS: z.coerce.number().int().min(256).max(128_000).default(8192),
  /** The model's context window; long threads are compacted to fit it (Claude's is 200k). */
  VAPORFORM_AGENT_CONTEXT_TOKENS: z.coerce.number().int().min(8_000).max(10_000_000).default(200_000),
  VAPORFORM_AGENT_USER_DAILY_USD: z.coerce.number().min(0).default(0),
  VAPORFORM_AGENT_PROJECT_DAILY_USD: z.coerce.number().min(0).default(0),
  VAPORFORM_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(1024 * 1024),
  VAPORFORM_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(10 * 1024 * 1024),
  VAPORFORM_MAX_IMPORT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(8 * 1024 ** 3)
    .default(100 * 1024 * 1024),
  VAPORFORM_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  VAPORFORM_SIGNUP_MODE: z.enum(['open', 'invite', 'closed']).default('open'),
  VAPORFORM_TRUST_PROXY: bool.default(false),
  /** Start a project's container as soon as the project is created. */
  VAPORFORM_AUTOSTART: bool.default(true),
  VAPORFORM_PREVIEW_REPORTER: bool.default(true),
  /** Stop (hibernate) a running project after this many minutes without activity; 0 = never. */
  VAPORFORM_IDLE_MINUTES: z.coerce.number().min(0).max(10_080).default(30),
  /** A PEM bundle trusted inside project containers (default: the host's NODE_EXTRA_CA_CERTS). */
  VAPORFORM_EXTRA_CA_CERTS: z.string().min(1).optional(),
  NODE_EXTRA_CA_CERTS: z.string().min(1).optional(),
  /** `runsc` runs project containers under gVisor (it must be installed as a Docker runtime). */
  VAPORFORM_SANDBOX_RUNTIME: z.enum(['runc', 'runsc']).default('runc'),
  /** `unsafe` lets every user run projects on the local runtime, which has no isolation between them. */
  VAPORFORM_LOCAL_RUNTIME_MULTI_USER: z.enum(['off', 'unsafe']).default('off'),
  /**
   * Hosts (comma-separated names or IPs) a project's HTTP MCP servers may be on even when they resolve to
   * loopback, private, link-local or metadata addresses, which are otherwise refused.
   */
  VAPORFORM_MCP_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim())
        .filter((host) => host !== ''),
    ),
  /** Key-encryption keys for stored secrets, `id:base64(32 bytes)`, comma-separated, the current one first. */
  VAPORFORM_SECRET_KEYS: secretKeys.optional(),
});

/** Variables whose values must never be echoed back, not even in a configuration error. */
const secretNames = new Set([
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'VAPORFORM_SECRET_KEYS',
  // Connection strings carry passwords.
  'DATABASE_URL',
  'REDIS_URL',
]);

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  nodeEnv: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  publicUrl: URL;
  previewHost: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  runtime: Env['VAPORFORM_RUNTIME'];
  bodyLimitBytes: number;
  maxFileBytes: number;
  maxImportBytes: number;
  sessionDays: number;
  initialSignupMode: Env['VAPORFORM_SIGNUP_MODE'];
  trustProxy: boolean;
  autostart: boolean;
  /** Inject the error-reporting script into previewed HTML pages. */
  previewReporter: boolean;
  idleMinutes: number;
  extraCaCertsFile: string | undefined;
  sandboxRuntime: Env['VAPORFORM_SANDBOX_RUNTIME'];
  localRuntimeMultiUser: boolean;
  /** From `VAPORFORM_SECRET_KEYS`; undefined means the key file in the data directory. */
  secretKeys: SecretKeyring | undefined;
  /** The AI agent: which model provider is used follows from which settings are set. */
  agent: {
    anthropicApiKey: string | undefined;
    anthropicBaseUrl: string | undefined;
    openAiApiKey: string | undefined;
    openAiBaseUrl: string | undefined;
    model: string | undefined;
    maxIterations: number;
    maxTokens: number;
    contextTokens: number;
    userDailyUsd: number;
    projectDailyUsd: number;
    /** VAPORFORM_MCP_ALLOWED_HOSTS: hosts exempt from the MCP client's private-address guard. */
    mcpAllowedHosts: string[];
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are how shells and compose files spell "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const raw = source[name];
      const shown = raw === undefined || secretNames.has(name) ? '' : ` (got ${JSON.stringify(raw)})`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const publicUrl = new URL(env.VAPORFORM_PUBLIC_URL ?? `http://localhost:${env.PORT}`);
  return {
    port: env.PORT,
    host: env.HOST,
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    dataDir: path.resolve(env.VAPORFORM_DATA_DIR),
    publicUrl,
    previewHost: env.VAPORFORM_PREVIEW_HOST ?? `preview.localhost:${env.PORT}`,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    runtime: env.VAPORFORM_RUNTIME,
    bodyLimitBytes: env.VAPORFORM_BODY_LIMIT_BYTES,
    maxFileBytes: env.VAPORFORM_MAX_FILE_BYTES,
    maxImportBytes: env.VAPORFORM_MAX_IMPORT_BYTES,
    sessionDays: env.VAPORFORM_SESSION_DAYS,
    initialSignupMode: env.VAPORFORM_SIGNUP_MODE,
    trustProxy: env.VAPORFORM_TRUST_PROXY,
    autostart: env.VAPORFORM_AUTOSTART,
    previewReporter: env.VAPORFORM_PREVIEW_REPORTER,
    idleMinutes: env.VAPORFORM_IDLE_MINUTES,
    extraCaCertsFile: env.VAPORFORM_EXTRA_CA_CERTS ?? env.NODE_EXTRA_CA_CERTS,
    sandboxRuntime: env.VAPORFORM_SANDBOX_RUNTIME,
    localRuntimeMultiUser: env.VAPORFORM_LOCAL_RUNTIME_MULTI_USER === 'unsafe',
    secretKeys: env.VAPORFORM_SECRET_KEYS,
    agent: {
      anthropicApiKey: env.ANTHROPIC_API_KEY,
      anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
      openAiApiKey: env.OPENAI_API_KEY,
      openAiBaseUrl: env.OPENAI_BASE_URL,
      model: env.VAPORFORM_MODEL,
      maxIterations: env.VAPORFORM_AGENT_MAX_ITERATIONS,
      maxTokens: env.VAPORFORM_AGENT_MAX_TOKENS,
      contextTokens: env.VAPORFORM_AGENT_CONTEXT_TOKENS,
      userDailyUsd: env.VAPORFORM_AGENT_USER_DAILY_USD,
      projectDailyUsd: env.VAPORFORM_AGENT_PROJECT_DAILY_USD,
      mcpAllowedHosts: env.VAPORFORM_MCP_ALLOWED_HOSTS,
    },
  };
}
