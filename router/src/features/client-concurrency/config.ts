import { z } from "zod";

/**
 * `clientConcurrency`: how many operations one client (the identity rate limits use: the user from
 * the token, else a known API key, else the client IP) may have running at once, so a few heavy
 * clients cannot take all of the router's time from light ones. Past `maxInFlight`, a client's
 * operations wait in arrival order; past `maxQueued` waiting too, they are refused at once with 429
 * CONCURRENCY_LIMITED and Retry-After. A batch counts as its operations.
 */
export const clientConcurrencyConfigSchema = z
  .object({
    /** Default: on in production, off in development (env ROUTER_CLIENT_CONCURRENCY). */
    enabled: z.boolean().optional(),
    /** Operations one client may have running at once. */
    maxInFlight: z.number().int().positive().default(8),
    /** Operations of one client that may wait for a slot; 0: none wait, the next one is refused. */
    maxQueued: z.number().int().nonnegative().default(32),
  })
  .strict()
  .prefault({});

export type ClientConcurrencySection = z.output<typeof clientConcurrencyConfigSchema>;
export type ClientConcurrencyConfig = Omit<ClientConcurrencySection, "enabled"> & { enabled: boolean };
