import { z } from "zod";

/** A cache hint given in config, over the schema's @cacheControl for a type or a field. */
const hintOverrideSchema = z
  .object({
    /** Seconds an entry lives; 0: never cached. Unset: the schema's hint. */
    maxAgeSeconds: z.number().int().min(0).max(86_400).optional(),
    /** PUBLIC: one entry for every caller; PRIVATE: one entry per viewer (or none, see `privateData`). Unset: the schema's. */
    scope: z.enum(["PUBLIC", "PRIVATE"]).optional(),
  })
  .strict();

export type HintOverride = z.output<typeof hintOverrideSchema>;

/** Type (Product) or field (Product.totalStock). */
const coordinate = /^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$/;

/**
 * `entityCache`: the router caches subgraph entity fetches (`_entities`, per representation) and root
 * query fetches, for as long as the schema's @cacheControl hints (or `overrides`) allow. The Redis
 * URL is a secret and comes from env ENTITY_CACHE_REDIS_URL only.
 */
export const entityCacheConfigSchema = z
  .object({
    /** Default: false (env ROUTER_ENTITY_CACHE). Off, the feature registers no hook. */
    enabled: z.boolean().default(false),
    /** memory: each router process caches alone; redis: replicas share one cache (env ENTITY_CACHE_REDIS_URL). */
    backend: z.enum(["memory", "redis"]).default("memory"),
    /** Seconds for a type that has no hint; 0 (default): such types are not cached. */
    defaultMaxAgeSeconds: z.number().int().min(0).max(86_400).default(0),
    /**
     * PRIVATE data, and data under @authenticated / @requiresScopes / @policy: per-viewer (default)
     * keeps one entry per signed-in caller (id and scopes), never cached for anonymous callers; off: never cached.
     */
    privateData: z.enum(["per-viewer", "off"]).default("per-viewer"),
    /** Root query fetches (Query.product(id:)) are cached too; off: only entity fetches. Default true. */
    rootFields: z.boolean().default(true),
    /** Hints by type or Type.field, over the schema's. */
    overrides: z.record(z.string().regex(coordinate, "must be a type or Type.field"), hintOverrideSchema).default({}),
    /**
     * Seconds an invalidation is remembered: a fetch that started before it cannot write its (old)
     * answer into the cache for this long. Must exceed the longest subgraph fetch. Default 60.
     */
    invalidationGraceSeconds: z.number().int().positive().max(3_600).default(60),
    memory: z
      .object({
        /** Entities (all their cached shapes and viewers together) kept; least recently used go first. Default 100000. */
        maxEntities: z.number().int().positive().default(100_000),
      })
      .strict()
      .prefault({}),
    redis: z
      .object({
        /** Prefix of every key the cache writes. Default supergraph:entity-cache. */
        keyPrefix: z.string().min(1).default("supergraph:entity-cache"),
        /** Milliseconds a Redis command may take before the fetch goes to the subgraph uncached. Default 100. */
        commandTimeoutMs: z.number().int().positive().max(10_000).default(100),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type EntityCacheSection = z.output<typeof entityCacheConfigSchema>;
export type EntityCacheConfig = EntityCacheSection & { redisUrl?: string };

export const ENTITY_CACHE_REDIS_URL_ENV = "ENTITY_CACHE_REDIS_URL";

/** Reads the Redis URL from the environment when the backend needs it; returns the problem when it is missing or malformed. */
export function resolveEntityCache(section: EntityCacheSection, env: NodeJS.ProcessEnv): { config: EntityCacheConfig; problem?: string } {
  if (!section.enabled || section.backend !== "redis") return { config: section };
  const redisUrl = env[ENTITY_CACHE_REDIS_URL_ENV];
  if (!redisUrl)
    return {
      config: section,
      problem: `entityCache.backend: "redis" needs the Redis URL in env ${ENTITY_CACHE_REDIS_URL_ENV} (never in the config file)`,
    };
  if (!/^rediss?:\/\//.test(redisUrl))
    return { config: section, problem: `env ${ENTITY_CACHE_REDIS_URL_ENV}: must be a redis:// or rediss:// URL` };
  return { config: { ...section, redisUrl } };
}
