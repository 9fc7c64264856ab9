import { defineFeature } from "../feature.ts";
import { persistedOperationsConfigSchema, resolvePersistedOperations } from "./config.ts";
import { createPersistedOperationsHooks, persistedQueriesOption } from "./index.ts";

/** Automatic persisted queries, and the trusted-documents manifest (log or reject what is not in it). */
export const persistedOperationsFeature = defineFeature({
  name: "persistedOperations",
  section: persistedOperationsConfigSchema,
  // Every later check sees the manifest's document, not the id the client sent.
  after: ["clientConcurrency"],
  resolve: (section, { cwd }) => {
    const { config, problem } = resolvePersistedOperations(section, cwd);
    return { settings: config, problems: problem ? [problem] : [] };
  },
  create: async (settings, { logger, metrics }) => ({
    ...(await createPersistedOperationsHooks({ config: settings, logger, registry: metrics?.registry })),
    apollo: { persistedQueries: persistedQueriesOption(settings) },
  }),
});
