import { z } from "zod";

/**
 * `demandControl`: a static cost estimate of each operation from the supergraph's @cost and @listSize
 * directives (https://specs.apollo.dev/cost/v0.1, the IBM cost specification), checked before the
 * router plans the operation. See estimate.ts for how the cost adds up.
 */
export const demandControlConfigSchema = z
  .object({
    /** Off: no estimate at all, no per-request work. */
    enabled: z.boolean().default(true),
    /** enforce: reject operations above maxCost (COST_LIMIT_EXCEEDED); measure: only count and log them. */
    mode: z.enum(["enforce", "measure"]).default("enforce"),
    /** Largest estimated cost one operation may have. */
    maxCost: z.number().int().positive().default(5_000),
    /** Items assumed in a list that has no @listSize and no slicing argument. */
    defaultListSize: z.number().int().nonnegative().default(10),
  })
  .strict()
  .prefault({});

export type DemandControlConfig = z.output<typeof demandControlConfigSchema>;
