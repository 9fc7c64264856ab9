import { defineFeature } from "../feature.ts";
import { csrfPreventionOption, csrfSchema, withCsrfCode } from "./csrf.ts";

/** CSRF prevention, which Apollo Server enforces; its refusal answered with the code CSRF_PREVENTED. */
export const csrfFeature = defineFeature({
  name: "csrf",
  section: csrfSchema,
  create: (settings) => ({ apollo: { csrfPrevention: csrfPreventionOption(settings) }, response: withCsrfCode }),
});
