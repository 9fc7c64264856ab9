import { envCoercers } from "@store/service-kit";
import { defineFeature } from "../feature.ts";
import { entityCacheConfigSchema, resolveEntityCache } from "./config.ts";
import { createEntityCacheHooks } from "./index.ts";

/** Caches subgraph entity and root query fetches by @cacheControl hints; subgraphs invalidate after mutations. */
export const entityCacheFeature = defineFeature({
  name: "entityCache",
  section: entityCacheConfigSchema,
  env: { ROUTER_ENTITY_CACHE: { path: "enabled", coerce: envCoercers.boolean } },
  // Outside the fetch metrics (a hit is no subgraph fetch), retries, signing and header rules (a
  // narrowed request is what gets signed and sent); inside the failure response.
  after: ["failureResponse"],
  before: ["fetchMetrics", "subgraphSigning", "headers", "traffic"],
  resolve: (section, { env }) => {
    const { config, problem } = resolveEntityCache(section, env);
    return { settings: config, problems: problem ? [problem] : [] };
  },
  create: (settings, { logger, metrics }) => createEntityCacheHooks({ config: settings, logger, registry: metrics?.registry }),
});
