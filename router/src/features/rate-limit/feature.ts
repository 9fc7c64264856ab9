import { envCoercers } from "@store/service-kit";
import { defineFeature } from "../feature.ts";
import { rateLimitConfigSchema, resolveRateLimitSecrets } from "./config.ts";
import { createRateLimitHooks } from "./index.ts";

/** Per-identity budgets of operations; over budget, HTTP 429 RATE_LIMITED. */
export const rateLimitFeature = defineFeature({
  name: "rateLimit",
  section: rateLimitConfigSchema,
  env: { ROUTER_RATE_LIMIT: { path: "enabled", coerce: envCoercers.boolean } },
  // The caller is known, and an operation refused for its shape or cost spends no budget.
  after: ["authentication", "demandControl"],
  resolve: (section, { env, production }) => {
    const { config, problem } = resolveRateLimitSecrets(section, env, production);
    return { settings: config, problems: problem ? [problem] : [] };
  },
  create: (settings, { logger, metrics }) => createRateLimitHooks({ config: settings, logger, registry: metrics?.registry }),
});
