import { parseConfig } from "@store/service-kit";
import { z } from "zod";

/** Settings only accounts has, beyond the ones every subgraph shares. Parsed once in main.ts. */
const accountsEnvSchema = z
  .object({
    /**
     * The HS256 secret login tokens are signed with; the router verifies them with the same value.
     * From the environment only, never logged.
     */
    AUTH_JWT_SECRET: z
      .string({ error: "required: the secret that signs login tokens (the router must have the same one)" })
      .min(32, { error: "must be at least 32 characters (256 bits for HS256)" }),
    /** Minutes a login token stays valid. */
    AUTH_TOKEN_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
  })
  .transform((env) => ({ jwtSecret: env.AUTH_JWT_SECRET, tokenTtlMinutes: env.AUTH_TOKEN_TTL_MINUTES }));

export type AccountsSettings = z.output<typeof accountsEnvSchema>;

/** Throws ConfigError listing every problem (never the secret's value). */
export function loadAccountsSettings(env: NodeJS.ProcessEnv = process.env): AccountsSettings {
  return parseConfig(accountsEnvSchema, env, "accounts");
}
