import type { RequestSigner } from "@store/wire";
import { loadServiceSigners, parseConfig } from "@store/service-kit";
import { z } from "zod";

/**
 * Settings only orders has, beyond the ones every subgraph shares (PORT, ORDERS_DATABASE_URL, ...,
 * read by the service kit). Parsed once in main.ts; tests build them with their own URLs.
 */
const ordersEnvSchema = z
  .object({
    /** GraphQL endpoint of the products subgraph, asked for prices when an order is placed. */
    ORDERS_PRODUCTS_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:4002/graphql"),
    /** GraphQL endpoint of the inventory subgraph, which reserves stock for an order. */
    ORDERS_INVENTORY_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:4003/graphql"),
    /** Milliseconds to wait for either service before failing with SERVICE_UNAVAILABLE. */
    ORDERS_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  })
  .transform((env) => ({
    productsUrl: env.ORDERS_PRODUCTS_URL,
    inventoryUrl: env.ORDERS_INVENTORY_URL,
    upstreamTimeoutMs: env.ORDERS_UPSTREAM_TIMEOUT_MS,
  }));

export type OrdersSettings = z.output<typeof ordersEnvSchema> & {
  /** Orders' own credentials for its calls (SUBGRAPH_SECRET_PRODUCTS_FROM_ORDERS, SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS). */
  signers?: { products?: RequestSigner; inventory?: RequestSigner };
};

/** Throws ConfigError listing every problem; runSubgraphMain prints it and exits non-zero. */
export function loadOrdersSettings(env: NodeJS.ProcessEnv = process.env): OrdersSettings {
  return { ...parseConfig(ordersEnvSchema, env, "orders"), signers: loadServiceSigners("orders", ["products", "inventory"], env) };
}
