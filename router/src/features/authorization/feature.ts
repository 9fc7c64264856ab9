import { defineFeature } from "../feature.ts";
import { authorizationConfigSchema } from "./config.ts";
import { createAuthorizationHooks } from "./index.ts";

/** @authenticated, @requiresScopes and @policy enforced before any subgraph is called. */
export const authorizationFeature = defineFeature({
  name: "authorization",
  section: authorizationConfigSchema,
  after: ["rateLimit"],
  create: (settings, { logger, metrics }) => createAuthorizationHooks({ config: settings, logger, registry: metrics?.registry }),
});
