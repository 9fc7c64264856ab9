import { Counter, Gauge, type Registry } from "prom-client";

/** The entity cache's series. Labels carry subgraph and type names only: never a key or a viewer. */
export function createEntityCacheMetrics(registry?: Registry) {
  const registers = registry ? [registry] : [];
  return {
    entities: new Counter({
      name: "entity_cache_entities_total",
      help: "Entities (and root query fetches, type Query) looked up in the entity cache, by subgraph, type and result (hit, miss)",
      labelNames: ["subgraph", "type", "result"],
      registers,
    }),
    fetches: new Counter({
      name: "entity_cache_fetches_total",
      help: "Cacheable subgraph fetches by subgraph and result: hit (no request sent), partial (only the misses sent), miss",
      labelNames: ["subgraph", "result"],
      registers,
    }),
    invalidations: new Counter({
      name: "entity_cache_invalidations_total",
      help: "Entities invalidated, by the subgraph that asked and the entity type",
      labelNames: ["subgraph", "type"],
      registers,
    }),
    bytes: new Counter({
      name: "entity_cache_bytes_total",
      help: "Bytes of cached JSON read from (direction read) and written to (write) the entity cache, by subgraph and type",
      labelNames: ["subgraph", "type", "direction"],
      registers,
    }),
    storeErrors: new Counter({
      name: "entity_cache_store_errors_total",
      help: "Entity cache store commands that failed (Redis down or slow), by operation; the fetch went to the subgraph uncached",
      labelNames: ["operation"],
      registers,
    }),
    storeUp: new Gauge({
      name: "entity_cache_store_up",
      help: "1 while the shared entity cache store (Redis) answers, 0 while the router runs without it",
      registers,
    }),
  };
}

export type EntityCacheMetrics = ReturnType<typeof createEntityCacheMetrics>;
