import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SubgraphDefinition } from "@store/service-kit";
import { gql } from "graphql-tag";
import type { InventorySettings } from "./config.ts";
import { createContext, type InventoryContext } from "./context.ts";
import { createInventoryPrisma, type InventoryPrisma } from "./data/prisma.ts";
import { startReservationExpiry } from "./reservation-expiry.ts";
import { resolvers } from "./resolvers/index.ts";
import { seedInventory } from "./seed.ts";

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
export const inventoryMigrationsDir = fromHere("../../../prisma/inventory/migrations");
const typeDefs = gql(readFileSync(fromHere("../schema.graphql"), "utf8"));

/** The inventory service for the given settings (how long an unconfirmed reservation holds stock). */
export function createInventoryDefinition(settings: InventorySettings): SubgraphDefinition<InventoryPrisma, InventoryContext> {
  return {
    name: "inventory",
    defaultPort: 4003,
    migrationsDir: inventoryMigrationsDir,
    defaultDataDir: fromHere("../../../.data/inventory"),
    typeDefs,
    resolvers: resolvers as SubgraphDefinition<InventoryPrisma, InventoryContext>["resolvers"],
    createPrisma: createInventoryPrisma,
    createContext,
    seed: seedInventory,
    background: (prisma, logger) => startReservationExpiry(prisma, settings, logger),
  };
}
