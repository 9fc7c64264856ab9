import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import type { InventorySettings } from "./config.ts";
import { createInventoryDefinition } from "./definition.ts";

/** Builds the inventory service without side effects; tests and main.ts both start here. */
export const createServer = (deps: SubgraphDeps, settings: InventorySettings) =>
  createSubgraphServer(createInventoryDefinition(settings), deps);
