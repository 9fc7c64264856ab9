import { isIP } from "node:net";
import { z } from "zod";

/** One budget: at most `requests` operations per `windowSeconds` (a fixed window per identity). */
export const budgetSchema = z
  .object({
    requests: z.number().int().positive(),
    windowSeconds: z.number().int().positive().max(86_400),
  })
  .strict();

export type Budget = z.output<typeof budgetSchema>;

/** An IP address or an IP range in CIDR notation (10.0.0.0/8, fd00::/8). */
const ipOrCidr = z.string().refine((value) => {
  const [address, prefix, extra] = value.split("/");
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (!family) return false;
  if (prefix === undefined) return true;
  if (!/^\d+$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}, "must be an IP address or a CIDR range (10.0.0.0/8)");

/** Operation names (PlaceOrder) or root fields as Type.field (Mutation.placeOrder). */
const ruleKey = /^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$/;

/**
 * `rateLimit`: budgets per client identity (the user from the token, else an API key header, else
 * the client IP). The Redis URL is a secret and comes from env RATE_LIMIT_REDIS_URL only.
 */
export const rateLimitConfigSchema = z
  .object({
    /** Default: on in production, off in development (env ROUTER_RATE_LIMIT). */
    enabled: z.boolean().optional(),
    /** memory: each router counts alone; redis: replicas share one budget (env RATE_LIMIT_REDIS_URL). */
    backend: z.enum(["memory", "redis"]).default("memory"),
    /** The budget of every identity, unless its kind or the operation has its own. */
    default: budgetSchema.default({ requests: 600, windowSeconds: 60 }),
    /** Per identity kind, replacing the default (anonymous IPs stricter than signed-in users, say). */
    identities: z
      .object({ user: budgetSchema.optional(), apiKey: budgetSchema.optional(), ip: budgetSchema.optional() })
      .strict()
      .prefault({}),
    /**
     * Budgets for some operations, replacing the identity's budget for them: keyed by operation
     * name (PlaceOrder) or by root field (Mutation.placeOrder). Operation names are the client's
     * choice; a root-field rule cannot be dodged by renaming the operation.
     */
    operations: z.record(z.string().regex(ruleKey, "must be an operation name or Type.field"), budgetSchema).default({}),
    /**
     * Known API keys, by name and the SHA-256 (hex) of the key: config holds no key itself. A key
     * that is not listed is ignored (the request counts against its IP), so a client cannot mint
     * fresh budgets by inventing keys. `budget` replaces identities.apiKey for that key.
     */
    apiKeys: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, . _ - (up to 64)"),
            sha256: z
              .string()
              .regex(/^[0-9a-fA-F]{64}$/, "must be the key's SHA-256 as 64 hex digits")
              .transform((hex) => hex.toLowerCase()),
            budget: budgetSchema.optional(),
          })
          .strict(),
      )
      .default([])
      .refine((keys) => new Set(keys.map((k) => k.name)).size === keys.length, "API key names must be unique")
      .refine((keys) => new Set(keys.map((k) => k.sha256)).size === keys.length, "the same key is listed twice"),
    /** The header an API client sends its key in; the value is hashed at once, never stored or logged. */
    apiKeyHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name")
      .transform((name) => name.toLowerCase())
      .default("x-api-key"),
    /** Proxies whose X-Forwarded-For is believed (IPs or CIDR ranges); others' is ignored. */
    trustedProxies: z.array(ipOrCidr).default([]),
    redis: z
      .object({
        /** Prefix of every key the limiter writes. */
        keyPrefix: z.string().min(1).default("supergraph:rate-limit"),
        /** Milliseconds a Redis command may take before the router stops waiting and counts in memory. */
        commandTimeoutMs: z.number().int().positive().max(10_000).default(250),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type RateLimitSection = z.output<typeof rateLimitConfigSchema>;

/** The section after loadRouterConfig: on or off decided by the mode, the Redis URL read from the environment. */
export type RateLimitConfig = Omit<RateLimitSection, "enabled"> & { enabled: boolean; redisUrl?: string };

export const RATE_LIMIT_REDIS_URL_ENV = "RATE_LIMIT_REDIS_URL";

/**
 * On by default in production; reads the backend's secret from the environment; returns the problem
 * when it is required but unset.
 */
export function resolveRateLimitSecrets(
  fields: RateLimitSection,
  env: NodeJS.ProcessEnv,
  production: boolean,
): { config: RateLimitConfig; problem?: string } {
  const section = { ...fields, enabled: fields.enabled ?? production };
  if (!section.enabled || section.backend !== "redis") return { config: section };
  const redisUrl = env[RATE_LIMIT_REDIS_URL_ENV];
  if (!redisUrl)
    return {
      config: section,
      problem: `rateLimit.backend: "redis" needs the Redis URL in env ${RATE_LIMIT_REDIS_URL_ENV} (never in the config file)`,
    };
  if (!/^rediss?:\/\//.test(redisUrl))
    return { config: section, problem: `env ${RATE_LIMIT_REDIS_URL_ENV}: must be a redis:// or rediss:// URL` };
  return { config: { ...section, redisUrl } };
}
