import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SubgraphDefinition } from "@store/service-kit";
import { gql } from "graphql-tag";
import { createContext, type InventoryContext } from "./context.ts";
import { createInventoryPrisma, type InventoryPrisma } from "./data/prisma.ts";
import { resolvers } from "./resolvers/index.ts";
import { seedInventory } from "./seed.ts";

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const inventory: SubgraphDefinition<InventoryPrisma, InventoryContext> = {
  name: "inventory",
  defaultPort: 4003,
  migrationsDir: fromHere("../../../prisma/inventory/migrations"),
  defaultDataDir: fromHere("../../../.data/inventory"),
  typeDefs: gql(readFileSync(fromHere("../schema.graphql"), "utf8")),
  resolvers: resolvers as SubgraphDefinition<InventoryPrisma, InventoryContext>["resolvers"],
  createPrisma: createInventoryPrisma,
  createContext,
  seed: seedInventory,
};
