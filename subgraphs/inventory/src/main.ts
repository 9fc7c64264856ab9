import { runSubgraphMain } from "@store/service-kit";
import { inventory } from "./definition.ts";

await runSubgraphMain(inventory);
