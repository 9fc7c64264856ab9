import { z } from "zod";
import {
  CLAIMS_PUBLIC_KEY_VARIABLE,
  MIN_SECRET_LENGTH,
  ROUTER_CALLER,
  callerSecretVariable,
  callersOf,
  parseClaimsKey,
  routerSecretVariable,
} from "@store/wire";

/** Raised when configuration is invalid; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    label: string,
  ) {
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
 * Env strings turned into the values a config file would hold, for schemas that read both. A string
 * that is not one is returned as it is, so the schema refuses it and the error names the variable.
 */
export const envCoercers = {
  integer: (raw: string): number | string => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : raw),
  decimal: (raw: string): number | string => (/^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw),
  /** The strings booleanFlag takes ("true"/"1", "false"/"0"). */
  boolean: (raw: string): boolean | string => (raw === "true" || raw === "1" ? true : raw === "false" || raw === "0" ? false : raw),
};

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
      // The service's own database variable and signing secrets, picked out so other services' are never read.
      (env) => ({
        ...(env as Record<string, unknown>),
        DATABASE_URL: (env as Record<string, unknown> | undefined)?.[dbVar],
        SIGNING_CREDENTIALS: incomingCredentials(name, (env ?? {}) as Record<string, unknown>),
        UNDECLARED_CALLER_SECRETS: undeclaredCallerSecrets(name, (env ?? {}) as Record<string, unknown>),
      }),
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
        /** "off" accepts unsigned requests (only where mTLS or a private network already keeps everyone but the router out). */
        SUBGRAPH_SIGNING: z.enum(["required", "off"]).optional(),
        /** Seconds a signed request stays valid (replays later than that are refused). */
        SUBGRAPH_SIGNATURE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
        SIGNING_CREDENTIALS: z.record(z.string(), z.string()),
        UNDECLARED_CALLER_SECRETS: z.array(z.string()),
        /** The router's Ed25519 public key (SPKI, PEM or base64 DER): only claims it signed name a user. */
        ROUTER_CLAIMS_PUBLIC_KEY: z.string().optional(),
        /** Redis (redis://) where replicas remember signed mutations' nonces, so a replay is refused by all of them. */
        SUBGRAPH_REPLAY_REDIS_URL: z
          .string()
          .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
          .optional(),
        /** Broker for domain events (redis:// URL): every replica of every service sees every event. Unset: in-process (embedded stack). */
        EVENTS_REDIS_URL: z
          .string()
          .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
          .optional(),
        /** Prefix of the event channels on that Redis (default "store:events:"), so stacks sharing one Redis stay apart. */
        EVENTS_CHANNEL_PREFIX: z.string().min(1).default("store:events:"),
        ...tracingEnvSchema,
      }),
    )
    .superRefine((env, ctx) => {
      for (const [caller, secret] of Object.entries(env.SIGNING_CREDENTIALS)) {
        if (secret.length < MIN_SECRET_LENGTH) {
          const variable = caller === ROUTER_CALLER ? routerSecretVariable(name) : callerSecretVariable(name, caller);
          ctx.addIssue({
            code: "custom",
            path: [variable],
            message: `must be at least ${MIN_SECRET_LENGTH} characters (HMAC is only as strong as its key)`,
          });
        }
      }
      for (const variable of env.UNDECLARED_CALLER_SECRETS) {
        ctx.addIssue({
          code: "custom",
          path: [variable],
          message: `${name} accepts no calls from that service: the allowed service-to-service calls are declared in service-calls.ts`,
        });
      }
      if (env.ROUTER_CLAIMS_PUBLIC_KEY) {
        try {
          parseClaimsKey(env.ROUTER_CLAIMS_PUBLIC_KEY, "public");
        } catch {
          ctx.addIssue({
            code: "custom",
            path: [CLAIMS_PUBLIC_KEY_VARIABLE],
            message: "must be an Ed25519 public key (SPKI), as PEM or base64 DER",
          });
        }
      }
      // Security by default: a production subgraph refuses to start open to anyone who reaches its port.
      const wanted = env.SUBGRAPH_SIGNING === "required" || (env.NODE_ENV === "production" && env.SUBGRAPH_SIGNING !== "off");
      // Whoever holds a signing secret must not be able to make up a user: signed requests need signed claims.
      const signed = env.SUBGRAPH_SIGNING !== "off" && (wanted || Object.keys(env.SIGNING_CREDENTIALS).length > 0);
      if (signed && !env.ROUTER_CLAIMS_PUBLIC_KEY) {
        ctx.addIssue({
          code: "custom",
          path: [CLAIMS_PUBLIC_KEY_VARIABLE],
          message: `required${env.NODE_ENV === "production" ? " in production" : " while requests are signed"}: the router's public key, which proves that the router, and no other service, said who the user is`,
        });
      }
      if (wanted && !env.SIGNING_CREDENTIALS[ROUTER_CALLER]) {
        ctx.addIssue({
          code: "custom",
          path: [routerSecretVariable(name)],
          message: `required${env.NODE_ENV === "production" ? " in production" : ""}: the secret the router signs its requests with (or SUBGRAPH_SIGNING=off where the network already keeps everyone but the router out)`,
        });
      }
    })
    .transform((env) => {
      const production = env.NODE_ENV === "production";
      const credentials = env.SIGNING_CREDENTIALS;
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
        /**
         * Who may call this subgraph, each with the secret it signs with. "open": none configured
         * (development only), so unsigned requests are served with a warning at start.
         */
        signing: {
          mode: (env.SUBGRAPH_SIGNING === "off" ? "off" : Object.keys(credentials).length ? "required" : "open") as
            "required" | "off" | "open",
          credentials,
          maxAgeSeconds: env.SUBGRAPH_SIGNATURE_MAX_AGE_SECONDS,
          /** Set: the claims header names a user only with the router's signature over it. Unset: development without signing. */
          claimsPublicKey: env.ROUTER_CLAIMS_PUBLIC_KEY,
          /** Unset: nonces are remembered in this process only. */
          replayRedisUrl: env.SUBGRAPH_REPLAY_REDIS_URL,
        },
        /** Domain events (subscriptions): Redis pub/sub when redisUrl is set, else this process only. */
        events: { redisUrl: env.EVENTS_REDIS_URL, channelPrefix: env.EVENTS_CHANNEL_PREFIX },
        /** OTLP/HTTP export of traces; see tracing.ts. */
        tracing: {
          endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
          sampleRatio: env.OTEL_TRACES_SAMPLER_ARG,
          scheduleDelayMs: env.OTEL_BSP_SCHEDULE_DELAY,
        },
      };
    });
}

/**
 * The secrets this subgraph accepts: the router's (SUBGRAPH_SECRET_<NAME>) and each trusted
 * service's (SUBGRAPH_SECRET_<NAME>_FROM_<CALLER>), by caller name.
 */
function incomingCredentials(name: string, env: Record<string, unknown>): Record<string, unknown> {
  const credentials: Record<string, unknown> = {};
  const router = env[routerSecretVariable(name)];
  if (typeof router === "string" && router !== "") credentials[ROUTER_CALLER] = router;
  for (const caller of callersOf(name).keys()) {
    const value = env[callerSecretVariable(name, caller)];
    if (typeof value === "string" && value !== "") credentials[caller] = value;
  }
  return credentials;
}

/** SUBGRAPH_SECRET_<NAME>_FROM_<CALLER> variables set for callers service-calls.ts does not let call this subgraph. */
function undeclaredCallerSecrets(name: string, env: Record<string, unknown>): string[] {
  const prefix = callerSecretVariable(name, "");
  const declared = new Set([...callersOf(name).keys()].map((caller) => callerSecretVariable(name, caller)));
  return Object.keys(env).filter((key) => key.startsWith(prefix) && env[key] && !declared.has(key));
}

export type SubgraphConfig = z.output<ReturnType<typeof subgraphConfigSchema>>;

export function loadSubgraphConfig(name: string, defaultPort: number, env: NodeJS.ProcessEnv = process.env): SubgraphConfig {
  return parseConfig(subgraphConfigSchema(name, defaultPort), env, name);
}
