import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SubgraphDefinition } from "@store/service-kit";
import { gql } from "graphql-tag";
import type { ProductsSettings } from "./config.ts";
import { createContext, type ProductsContext } from "./context.ts";
import { createProductsPrisma, type ProductsPrisma } from "./data/prisma.ts";
import { resolvers } from "./resolvers/index.ts";
import { seedProducts } from "./seed.ts";

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const productsMigrationsDir = fromHere("../../../prisma/products/migrations");
const typeDefs = gql(readFileSync(fromHere("../schema.graphql"), "utf8"));

/** The products service (it has no settings of its own yet). */
export function createProductsDefinition(_settings: ProductsSettings): SubgraphDefinition<ProductsPrisma, ProductsContext> {
  return {
    name: "products",
    defaultPort: 4002,
    migrationsDir: productsMigrationsDir,
    defaultDataDir: fromHere("../../../.data/products"),
    typeDefs,
    resolvers: resolvers as SubgraphDefinition<ProductsPrisma, ProductsContext>["resolvers"],
    createPrisma: createProductsPrisma,
    createContext,
    seed: seedProducts,
  };
}
