import { defineFeature } from "../feature.ts";
import { corsSchema, createCorsHooks } from "./cors.ts";

/** CORS: preflights answered and cross-origin responses marked before Apollo Server reads the request. */
export const corsFeature = defineFeature({
  name: "cors",
  section: corsSchema,
  create: (settings, { production }) => createCorsHooks(settings, production),
});
