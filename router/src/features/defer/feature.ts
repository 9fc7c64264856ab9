import { z } from "zod";
import { envCoercers } from "@store/service-kit";
import { defineFeature } from "../feature.ts";

export const deferConfigSchema = z
  .object({
    /**
     * Serve `@defer` (default true): the API schema declares the directive, the planner plans deferred
     * fragments, and a client accepting `multipart/mixed;deferSpec=20220824` gets each deferred part as
     * it is ready; any other client gets one response with every part merged. false: `@defer` is an
     * unknown directive, as with stock @apollo/gateway.
     */
    enabled: z.boolean().default(true),
  })
  .strict()
  .default({ enabled: true });

/**
 * @defer through the router's own executor (execution/defer-execution.ts, incremental-delivery.ts).
 * The section is read where the gateway and Apollo Server are built; there are no per-request hooks.
 */
export const deferFeature = defineFeature({
  name: "defer",
  section: deferConfigSchema,
  env: { ROUTER_DEFER_ENABLED: { path: "enabled", coerce: envCoercers.boolean } },
  create: () => undefined,
});
