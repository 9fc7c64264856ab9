import { runSubgraphMain } from "@store/service-kit";
import { products } from "./definition.ts";

await runSubgraphMain(products);
