import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SubgraphDefinition } from "@store/service-kit";
import { gql } from "graphql-tag";
import { createContext, type ProductsContext } from "./context.ts";
import { createProductsPrisma, type ProductsPrisma } from "./data/prisma.ts";
import { resolvers } from "./resolvers/index.ts";
import { seedProducts } from "./seed.ts";

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const products: SubgraphDefinition<ProductsPrisma, ProductsContext> = {
  name: "products",
  defaultPort: 4002,
  migrationsDir: fromHere("../../../prisma/products/migrations"),
  defaultDataDir: fromHere("../../../.data/products"),
  typeDefs: gql(readFileSync(fromHere("../schema.graphql"), "utf8")),
  resolvers: resolvers as SubgraphDefinition<ProductsPrisma, ProductsContext>["resolvers"],
  createPrisma: createProductsPrisma,
  createContext,
  seed: seedProducts,
};
