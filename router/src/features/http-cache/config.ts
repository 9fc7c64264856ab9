import { z } from "zod";

/**
 * `httpCache`: GET queries (persisted operations sent by id, so a CDN can key on the URL) get a
 * Cache-Control header computed from the fields' @cacheControl hints (the smallest maxAge wins;
 * private data, or a signed-in caller, is never `public`) and an ETag; If-None-Match gets 304.
 */
export const httpCacheConfigSchema = z
  .object({
    /** Default: false (env ROUTER_HTTP_CACHE). Off, the feature registers no hook. */
    enabled: z.boolean().default(false),
    /** Seconds for a query whose fields carry no hint; 0 (default): such responses get no-store. */
    defaultMaxAgeSeconds: z.number().int().min(0).max(86_400).default(0),
  })
  .strict()
  .prefault({});

export type HttpCacheConfig = z.output<typeof httpCacheConfigSchema>;
