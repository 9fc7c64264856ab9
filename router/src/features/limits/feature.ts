import { defineFeature } from "../feature.ts";
import { limitsConfigSchema } from "./config.ts";
import { createLimitsHooks } from "./index.ts";

/** The shape an operation may have (depth, aliases, root fields, tokens, bytes), checked before planning. */
export const limitsFeature = defineFeature({
  name: "limits",
  section: limitsConfigSchema,
  // An operation that does not resolve is a client error before its shape is measured.
  after: ["clientErrors"],
  create: (settings, { metrics }) => createLimitsHooks({ config: settings, registry: metrics?.registry }),
});
