import type { Registry } from "prom-client";
import type { Logger } from "@store/service-kit";
import type { FeatureHooks } from "../feature.ts";
import { entityCacheCall } from "./cache-call.ts";
import type { EntityCacheConfig } from "./config.ts";
import { CacheHints } from "./hints.ts";
import { createEntityCacheMetrics } from "./metrics.ts";
import { memoryStore, redisStore, type CacheStore } from "./store.ts";

export interface EntityCacheDeps {
  config: EntityCacheConfig;
  logger: Logger;
  registry?: Registry;
  /** A store to use instead of the configured one (tests). */
  store?: CacheStore;
}

/** The entity cache's hooks: it reads hints from each supergraph and wraps every subgraph fetch; undefined when off. */
export function createEntityCacheHooks({ config, logger, registry, store: given }: EntityCacheDeps): FeatureHooks | undefined {
  if (!config.enabled) return undefined;
  const metrics = createEntityCacheMetrics(registry);
  const graceMs = config.invalidationGraceSeconds * 1000;
  const store =
    given ??
    (config.backend === "redis"
      ? redisStore({
          url: config.redisUrl!,
          keyPrefix: config.redis.keyPrefix,
          commandTimeoutMs: config.redis.commandTimeoutMs,
          graceMs,
          logger,
          events: {
            storeError: (operation) => metrics.storeErrors.inc({ operation }),
            storeUp: (up) => metrics.storeUp.set(up ? 1 : 0),
          },
        })
      : memoryStore({ maxEntities: config.memory.maxEntities, graceMs }));
  let hints: CacheHints | undefined;
  return {
    supergraph(sdl) {
      hints = new CacheHints(sdl, { defaultMaxAgeSeconds: config.defaultMaxAgeSeconds, overrides: config.overrides });
      return sdl;
    },
    subgraphCall: entityCacheCall({
      store,
      hints: () => hints,
      privateData: config.privateData,
      rootFields: config.rootFields,
      metrics,
      logger,
    }),
    checks: () => ({ entityCache: config.backend }),
    close: () => store.close(),
  };
}
