import { z } from "zod";
import { BUILT_IN_POLICIES } from "./policies.ts";

/**
 * `authorization`: the router enforces @authenticated, @requiresScopes and @policy from the
 * supergraph before any subgraph is called.
 */
const configPolicy = z
  .object({
    /** Passes when the caller has at least one of these roles (the token's `roles` claim). */
    anyRole: z.array(z.string().min(1)).min(1).optional(),
    /** Passes when the caller has every one of these scopes. */
    allScopes: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((p) => p.anyRole || p.allScopes, { message: "a policy needs anyRole and/or allScopes" });

export const authorizationConfigSchema = z
  .object({
    /**
     * false (default): unauthorized fields are removed from the operation and come back as null with
     * an error each; the rest is answered. true: the whole operation is refused (401 anonymous, 403
     * otherwise) and nothing is executed.
     */
    reject: z.boolean().default(false),
    /** Extra named policies for @policy, declared in config (the built-in ones live in policies.ts). */
    policies: z
      .record(z.string().regex(/^[A-Za-z_][\w:.-]*$/, "policy names are letters, digits, _ : . -"), configPolicy)
      .default({})
      .refine((p) => Object.keys(p).every((name) => !(name in BUILT_IN_POLICIES)), {
        message: `cannot redefine a built-in policy (${Object.keys(BUILT_IN_POLICIES).join(", ")})`,
      }),
  })
  .strict()
  .prefault({});

export type AuthorizationConfig = z.output<typeof authorizationConfigSchema>;
export type ConfigPolicy = z.output<typeof configPolicy>;
