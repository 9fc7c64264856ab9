import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import { accounts } from "./definition.ts";

/** Builds the accounts service without side effects; tests and main.ts both start here. */
export const createServer = (deps: SubgraphDeps) => createSubgraphServer(accounts, deps);
