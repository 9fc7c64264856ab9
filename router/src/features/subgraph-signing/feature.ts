import { ConfigError, envCoercers } from "@store/service-kit";
import { defineFeature } from "../feature.ts";
import { createSubgraphSigningHooks, loadSigningSecrets, subgraphSigningSchema, type SubgraphSigningConfig } from "./subgraph-signing.ts";

/** Every subgraph request signed with the subgraph's secret, and the user's claims with the router's key. */
export const subgraphSigningFeature = defineFeature({
  name: "subgraphSigning",
  section: subgraphSigningSchema,
  env: { ROUTER_SUBGRAPH_SIGNING: { path: "enabled", coerce: envCoercers.boolean } },
  // It signs the claims header authentication sets.
  after: ["authentication"],
  resolve: (section, { env, production }): { settings: SubgraphSigningConfig; problems: string[] } => {
    try {
      return { settings: loadSigningSecrets(section, env, production), problems: [] };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { settings: { ...section, secrets: {} }, problems: error.problems };
    }
  },
  create: (settings, { logger, production }) => createSubgraphSigningHooks({ config: settings, logger, production }),
});
