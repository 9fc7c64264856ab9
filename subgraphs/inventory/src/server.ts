import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import { inventory } from "./definition.ts";

/** Builds the inventory service without side effects; tests and main.ts both start here. */
export const createServer = (deps: SubgraphDeps) => createSubgraphServer(inventory, deps);
