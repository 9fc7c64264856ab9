import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createUpstreamClients, type SubgraphDefinition } from "@store/service-kit";
import { gql } from "graphql-tag";
import type { OrdersSettings } from "./config.ts";
import { createContext, type OrdersContext, type OrdersUpstreams } from "./context.ts";
import { createOrdersPrisma, type OrdersPrisma } from "./data/prisma.ts";
import { resolvers } from "./resolvers/index.ts";
import { seedOrders } from "./seed.ts";

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const ordersMigrationsDir = fromHere("../../../prisma/orders/migrations");
const typeDefs = gql(readFileSync(fromHere("../schema.graphql"), "utf8"));

/** The orders service for the given settings (which say where products and inventory listen). */
export function createOrdersDefinition(settings: OrdersSettings): SubgraphDefinition<OrdersPrisma, OrdersContext> {
  const upstreams: OrdersUpstreams = createUpstreamClients(
    { products: settings.productsUrl, inventory: settings.inventoryUrl },
    { timeoutMs: settings.upstreamTimeoutMs, signers: settings.signers },
  );
  return {
    name: "orders",
    defaultPort: 4005,
    migrationsDir: ordersMigrationsDir,
    defaultDataDir: fromHere("../../../.data/orders"),
    typeDefs,
    resolvers: resolvers as SubgraphDefinition<OrdersPrisma, OrdersContext>["resolvers"],
    createPrisma: createOrdersPrisma,
    createContext: (prisma, request) => createContext(prisma, request, upstreams),
    seed: seedOrders,
  };
}
