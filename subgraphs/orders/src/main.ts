import { runSubgraphMain } from "@store/service-kit";
import { loadOrdersSettings } from "./config.ts";
import { createOrdersDefinition } from "./definition.ts";

await runSubgraphMain(() => createOrdersDefinition(loadOrdersSettings()));
