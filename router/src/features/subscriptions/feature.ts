import { envCoercers } from "@store/service-kit";
import { defineFeature } from "../feature.ts";
import { subgraphSigningFeature } from "../subgraph-signing/feature.ts";
import { subscriptionsConfigSchema } from "./config.ts";
import { createSubscriptionsHooks } from "./index.ts";

/** Subscriptions over WebSocket, SSE and multipart, each event resolved through the federated plan. */
export const subscriptionsFeature = defineFeature({
  name: "subscriptions",
  section: subscriptionsConfigSchema,
  env: {
    ROUTER_SUBSCRIPTIONS: { path: "enabled", coerce: envCoercers.boolean },
    ROUTER_SUBSCRIPTIONS_MAX_PER_CONNECTION: { path: "maxPerConnection", coerce: envCoercers.integer },
    ROUTER_SUBSCRIPTIONS_MAX_PER_CLIENT: { path: "maxPerClient", coerce: envCoercers.integer },
  },
  // Its upstream subscriptions carry the caller authentication verified, signed as subgraphSigning signs.
  // CORS answers preflights and refuses foreign origins before a stream is opened.
  after: ["authentication", "subgraphSigning", "cors"],
  create: (settings, { config, settingsOf, logger, metrics }) =>
    createSubscriptionsHooks({
      config: settings,
      signing: settingsOf(subgraphSigningFeature),
      logger,
      metrics,
      maxBodyBytes: config.server.maxBodyBytes,
    }),
});
