import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import type { AccountsSettings } from "./config.ts";
import { createAccountsDefinition } from "./definition.ts";

/** Builds the accounts service without side effects; tests and main.ts both start here. */
export const createServer = (deps: SubgraphDeps, settings: AccountsSettings) =>
  createSubgraphServer(createAccountsDefinition(settings), deps);
