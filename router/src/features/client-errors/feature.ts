import { defineFeature } from "../feature.ts";
import { createClientErrorsHooks } from "./client-errors.ts";

/** Client mistakes (no such operation, NUL bytes, subscriptions) refused with HTTP 400 before planning. */
export const clientErrorsFeature = defineFeature({
  name: "clientErrors",
  after: ["persistedOperations"],
  create: () => createClientErrorsHooks(),
});
