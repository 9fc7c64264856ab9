import { runSubgraphMain } from "@store/service-kit";
import { loadProductsSettings } from "./config.ts";
import { createProductsDefinition } from "./definition.ts";

await runSubgraphMain(() => createProductsDefinition(loadProductsSettings()));
