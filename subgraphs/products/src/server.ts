import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import { products } from "./definition.ts";

/** Builds the products service without side effects; tests and main.ts both start here. */
export const createServer = (deps: SubgraphDeps) => createSubgraphServer(products, deps);
