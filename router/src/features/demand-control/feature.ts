import { defineFeature } from "../feature.ts";
import { demandControlConfigSchema } from "./config.ts";
import { createDemandControlHooks } from "./index.ts";

/** The estimated cost of each operation, refused (enforce) or only measured above demandControl.maxCost. */
export const demandControlFeature = defineFeature({
  name: "demandControl",
  section: demandControlConfigSchema,
  env: { ROUTER_DEMAND_CONTROL_MODE: { path: "mode" } },
  // Only operations within the limits are costed.
  after: ["limits"],
  create: (settings, { logger, metrics }) => createDemandControlHooks({ config: settings, logger, registry: metrics?.registry }),
});
