import { parseConfig } from "@store/service-kit";
import { z } from "zod";

/**
 * Settings only inventory has, beyond the ones every subgraph shares (read by the service kit).
 * Parsed once in main.ts; tests build them directly.
 */
const inventoryEnvSchema = z
  .object({
    /** Seconds a reservation may stay unconfirmed before its stock goes back to the warehouses. */
    INVENTORY_RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** Milliseconds between sweeps for expired reservations (default: a quarter of the TTL, at most a minute). */
    INVENTORY_RESERVATION_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  })
  .transform((env) => ({
    reservationTtlSeconds: env.INVENTORY_RESERVATION_TTL_SECONDS,
    sweepIntervalMs: env.INVENTORY_RESERVATION_SWEEP_MS ?? Math.min(60_000, (env.INVENTORY_RESERVATION_TTL_SECONDS * 1000) / 4),
  }));

export type InventorySettings = z.output<typeof inventoryEnvSchema>;

/** Throws ConfigError listing every problem; runSubgraphMain prints it and exits non-zero. */
export function loadInventorySettings(env: NodeJS.ProcessEnv = process.env): InventorySettings {
  return parseConfig(inventoryEnvSchema, env, "inventory");
}
