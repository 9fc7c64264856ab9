import { z } from "zod";

/** Raised when configuration is invalid; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[], label: string) {
    super(`Invalid ${label} configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses `input` with `schema`, collecting every issue instead of stopping at the first. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, label: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join(".") : "(root)";
    return `${where}: ${issue.message}`;
  });
  throw new ConfigError(problems, label);
}

export const portSchema = z.coerce.number().int().min(0).max(65535);
export const logLevelSchema = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
export const nodeEnvSchema = z.enum(["development", "production", "test"]);

/** Env values of "true"/"false"/"1"/"0" as booleans; z.coerce.boolean would take "false" as true. */
export const booleanFlag = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", ""])])
  .transform((value) => value === true || value === "true" || value === "1");

/**
 * Tracing settings under their standard OpenTelemetry variable names, for every service.
 * OTEL_EXPORTER_OTLP_ENDPOINT unset means tracing off.
 */
const unsetIfEmpty = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === "" ? undefined : value), schema);

export const tracingEnvSchema = {
  /** Base URL of an OTLP/HTTP collector (http://localhost:4318); /v1/traces is appended. */
  OTEL_EXPORTER_OTLP_ENDPOINT: unsetIfEmpty(z.url({ protocol: /^https?$/ }).optional()),
  /** Share of traces started here that are kept, 0..1 (default 1). */
  OTEL_TRACES_SAMPLER_ARG: unsetIfEmpty(z.coerce.number().min(0).max(1).default(1)),
  /** Milliseconds between exports (default 5000). */
  OTEL_BSP_SCHEDULE_DELAY: unsetIfEmpty(z.coerce.number().int().positive().default(5000)),
};

/**
 * Settings every subgraph shares, read from the environment. `name` decides the env prefix of the
 * database URL (ACCOUNTS_DATABASE_URL for "accounts").
 */
export function subgraphConfigSchema(name: string, defaultPort: number) {
  const dbVar = `${name.toUpperCase()}_DATABASE_URL`;
  return z
    .preprocess(
      // The service's own database variable, picked out so other services' URLs are never read.
      (env) => ({ ...(env as Record<string, unknown>), DATABASE_URL: (env as Record<string, unknown> | undefined)?.[dbVar] }),
      z.object({
        PORT: portSchema.default(defaultPort),
        HOST: z.string().min(1).default("127.0.0.1"),
        NODE_ENV: nodeEnvSchema.default("development"),
        LOG_LEVEL: logLevelSchema.default("info"),
        DATABASE_URL: z.string().optional(),
        MIGRATE_ON_START: booleanFlag.optional(),
        SEED_ON_START: booleanFlag.optional(),
        MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_000_000),
        SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
        ...tracingEnvSchema,
      }),
    )
    .transform((env) => {
      const production = env.NODE_ENV === "production";
      return {
        name,
        port: env.PORT,
        host: env.HOST,
        nodeEnv: env.NODE_ENV,
        production,
        logLevel: env.LOG_LEVEL,
        /** From <NAME>_DATABASE_URL: postgres://… for PostgreSQL; unset, file:<dir> or memory:// for PGlite. */
        databaseUrl: env.DATABASE_URL,
        // Development applies migrations and seeds an empty database; production uses `db:deploy`.
        migrateOnStart: env.MIGRATE_ON_START ?? !production,
        seedOnStart: env.SEED_ON_START ?? !production,
        maxBodyBytes: env.MAX_BODY_BYTES,
        /** Milliseconds in-flight requests get to finish after SIGTERM before connections are cut. */
        shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
        /** OTLP/HTTP export of traces; see tracing.ts. */
        tracing: { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, sampleRatio: env.OTEL_TRACES_SAMPLER_ARG, scheduleDelayMs: env.OTEL_BSP_SCHEDULE_DELAY },
      };
    });
}

export type SubgraphConfig = z.output<ReturnType<typeof subgraphConfigSchema>>;

export function loadSubgraphConfig(name: string, defaultPort: number, env: NodeJS.ProcessEnv = process.env): SubgraphConfig {
  return parseConfig(subgraphConfigSchema(name, defaultPort), env, name);
}
