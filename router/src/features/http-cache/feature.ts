import { envCoercers } from "@store/service-kit";
import { CacheHints } from "../entity-cache/hints.ts";
import { defineFeature } from "../feature.ts";
import { httpCacheConfigSchema } from "./config.ts";
import { httpCachePlugin } from "./http-cache.ts";

/** Cache-Control (from @cacheControl hints) and ETag on GET queries, 304 on If-None-Match. */
export const httpCacheFeature = defineFeature({
  name: "httpCache",
  section: httpCacheConfigSchema,
  env: { ROUTER_HTTP_CACHE: { path: "enabled", coerce: envCoercers.boolean } },
  // The caller is known (a signed-in caller's response is never public).
  after: ["authentication"],
  create: (settings) => {
    if (!settings.enabled) return undefined;
    let hints: CacheHints | undefined;
    return {
      supergraph(sdl) {
        hints = new CacheHints(sdl, { defaultMaxAgeSeconds: settings.defaultMaxAgeSeconds, overrides: {} });
        return sdl;
      },
      operation: [httpCachePlugin(() => hints)],
    };
  },
});
