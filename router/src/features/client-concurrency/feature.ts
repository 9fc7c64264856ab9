import { envCoercers } from "@store/service-kit";
import { defineFeature } from "../feature.ts";
import { clientConcurrencyConfigSchema, type ClientConcurrencyConfig } from "./config.ts";
import { rateLimitFeature } from "../rate-limit/feature.ts";
import { createClientConcurrencyHooks } from "./index.ts";

/** A cap on the operations one client has in flight, so heavy clients cannot starve light ones. */
export const clientConcurrencyFeature = defineFeature({
  name: "clientConcurrency",
  section: clientConcurrencyConfigSchema,
  env: { ROUTER_CLIENT_CONCURRENCY: { path: "enabled", coerce: envCoercers.boolean } },
  // It counts the caller the token names.
  after: ["authentication"],
  resolve: (section, { production }): { settings: ClientConcurrencyConfig; problems: string[] } => ({
    settings: { ...section, enabled: section.enabled ?? production },
    problems: [],
  }),
  create: (settings, { settingsOf, metrics }) =>
    createClientConcurrencyHooks({ config: settings, identity: settingsOf(rateLimitFeature), registry: metrics?.registry }),
});
