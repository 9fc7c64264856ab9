import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import type { ProductsSettings } from "./config.ts";
import { createProductsDefinition } from "./definition.ts";

/** Builds the products service without side effects; tests and main.ts both start here. */
export const createServer = (deps: SubgraphDeps, settings: ProductsSettings) =>
  createSubgraphServer(createProductsDefinition(settings), deps);
