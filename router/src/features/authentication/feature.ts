import { defineFeature } from "../feature.ts";
import { authenticationConfigSchema, resolveAuthentication } from "./config.ts";
import { createAuthenticationHooks } from "./index.ts";

/** Bearer tokens verified into the request's caller, which every subgraph fetch carries in the claims header. */
export const authenticationFeature = defineFeature({
  name: "authentication",
  section: authenticationConfigSchema,
  env: { AUTH_JWKS_URL: { path: "jwks.url" } },
  // A preflight is answered before any token is read.
  after: ["cors"],
  resolve: (section, { env, cwd }) => resolveAuthentication(section, { env, cwd }),
  create: (settings, { logger }) => createAuthenticationHooks({ settings, logger }),
});
