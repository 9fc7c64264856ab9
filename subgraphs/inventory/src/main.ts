import { runSubgraphMain } from "@store/service-kit";
import { loadInventorySettings } from "./config.ts";
import { createInventoryDefinition } from "./definition.ts";

await runSubgraphMain(() => createInventoryDefinition(loadInventorySettings()));
