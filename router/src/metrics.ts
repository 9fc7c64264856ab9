import type { GatewayConfig } from "@apollo/gateway";
import { InMemoryLRUCache, type KeyValueCache } from "@apollo/utils.keyvaluecache";
import { Counter, Gauge, Histogram } from "prom-client";
import { LATENCY_BUCKETS, type ServiceMetrics } from "@store/service-kit";

/**
 * The router's own series, on the service registry next to the request metrics every service has:
 * per-subgraph fetch latency and failures (features/fetch-metrics), and query plan cache hits.
 */
export function createRouterMetrics(service: ServiceMetrics) {
  const registers = [service.registry];
  return {
    /** For the features' own series. */
    registry: service.registry,
    subgraphFetchDuration: new Histogram({
      name: "subgraph_fetch_duration_seconds",
      help: "Time of one fetch from a subgraph as the query plan sees it, by subgraph and outcome (ok, errors: answered with GraphQL errors, failed: no usable answer)",
      labelNames: ["subgraph", "outcome"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    subgraphFetchErrors: new Counter({
      name: "subgraph_fetch_errors_total",
      help: "Subgraph fetches that did not succeed, by subgraph and kind (errors, failed)",
      labelNames: ["subgraph", "kind"],
      registers,
    }),
    supergraphUpdateFailures: new Counter({
      name: "supergraph_update_failures_total",
      help: "New supergraphs from the registry the router could not load (it kept serving the last good one)",
      registers,
    }),
    supergraphVersion: new Gauge({
      name: "supergraph_version_info",
      help: "1 for the supergraph version being served (the registry's version number, or cache when loaded from the cache file)",
      labelNames: ["version"],
      registers,
    }),
    usageReportFailures: new Counter({
      name: "usage_report_failures_total",
      help: "Batches of field usage the registry did not accept (dropped)",
      registers,
    }),
    mergedQueries: new Counter({
      name: "merged_queries_total",
      help: "Queries answered by joining an identical one already in flight (traffic.mergeIdenticalQueries)",
      registers,
    }),
    deferPartSeconds: new Histogram({
      name: "defer_part_seconds",
      help: "Time from the start of a @defer operation's execution to its initial payload (part=first) and to its last deferred part (part=last)",
      labelNames: ["part"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    queryPlanCache: new Counter({
      name: "query_plan_cache_lookups_total",
      help: "Query plan cache lookups by result (hit, miss: the operation was planned)",
      labelNames: ["result"],
      registers,
    }),
  };
}

export type RouterMetrics = ReturnType<typeof createRouterMetrics>;

type QueryPlanCache = NonNullable<NonNullable<GatewayConfig["queryPlannerConfig"]>["cache"]>;
type CachedPlan = QueryPlanCache extends KeyValueCache<infer V> ? V : never;

/** Sized like @apollo/gateway's own default plan store (30 MiB of JSON), and counting its lookups. */
export function countingPlanCache(metrics: RouterMetrics, maxBytes = 30 * 2 ** 20): QueryPlanCache {
  const store = new InMemoryLRUCache<CachedPlan>({
    maxSize: maxBytes,
    sizeCalculation: (plan) => Buffer.byteLength(JSON.stringify(plan)) || 1,
  });
  return {
    async get(key) {
      const plan = await store.get(key);
      metrics.queryPlanCache.inc({ result: plan ? "hit" : "miss" });
      return plan;
    },
    set: (key, value, options) => store.set(key, value, options),
    delete: (key) => store.delete(key),
    clear: () => store.clear(),
  };
}
