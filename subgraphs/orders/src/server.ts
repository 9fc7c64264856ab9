import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import type { OrdersSettings } from "./config.ts";
import { createOrdersDefinition } from "./definition.ts";

/** Builds the orders service without side effects; tests and main.ts both start here. */
export const createServer = (deps: SubgraphDeps, settings: OrdersSettings) => createSubgraphServer(createOrdersDefinition(settings), deps);
