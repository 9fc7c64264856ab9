/** The accounts subgraph's published entry point: its definition, server factory, settings loader and seed. */
export { createAccountsDefinition, accountsMigrationsDir } from "./definition.ts";
export { createServer } from "./server.ts";
export { seedAccounts } from "./seed.ts";
export { loadAccountsSettings, type AccountsSettings } from "./config.ts";
