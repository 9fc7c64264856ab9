import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SubgraphDefinition } from "@store/service-kit";
import { gql } from "graphql-tag";
import { createContext, type AccountsContext } from "./context.ts";
import { createAccountsPrisma, type AccountsPrisma } from "./data/prisma.ts";
import { resolvers } from "./resolvers/index.ts";
import { seedAccounts } from "./seed.ts";

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const accounts: SubgraphDefinition<AccountsPrisma, AccountsContext> = {
  name: "accounts",
  defaultPort: 4001,
  migrationsDir: fromHere("../../../prisma/accounts/migrations"),
  defaultDataDir: fromHere("../../../.data/accounts"),
  typeDefs: gql(readFileSync(fromHere("../schema.graphql"), "utf8")),
  resolvers: resolvers as SubgraphDefinition<AccountsPrisma, AccountsContext>["resolvers"],
  createPrisma: createAccountsPrisma,
  createContext,
  seed: seedAccounts,
};
