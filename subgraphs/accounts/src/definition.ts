import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SubgraphDefinition } from "@store/service-kit";
import { gql } from "graphql-tag";
import type { AccountsSettings } from "./config.ts";
import { createContext, type AccountsContext } from "./context.ts";
import { createAccountsPrisma, type AccountsPrisma } from "./data/prisma.ts";
import { resolvers } from "./resolvers/index.ts";
import { seedAccounts } from "./seed.ts";
import { createTokenIssuer } from "./tokens.ts";

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const accountsMigrationsDir = fromHere("../../../prisma/accounts/migrations");
const typeDefs = gql(readFileSync(fromHere("../schema.graphql"), "utf8"));

/** The accounts service for the given settings (the secret its login tokens are signed with). */
export function createAccountsDefinition(settings: AccountsSettings): SubgraphDefinition<AccountsPrisma, AccountsContext> {
  const tokens = createTokenIssuer({ secret: settings.jwtSecret, ttlMinutes: settings.tokenTtlMinutes });
  return {
    name: "accounts",
    defaultPort: 4001,
    migrationsDir: accountsMigrationsDir,
    defaultDataDir: fromHere("../../../.data/accounts"),
    typeDefs,
    resolvers: resolvers as SubgraphDefinition<AccountsPrisma, AccountsContext>["resolvers"],
    createPrisma: createAccountsPrisma,
    createContext: (prisma, request) => createContext(prisma, request, tokens),
    seed: seedAccounts,
  };
}
