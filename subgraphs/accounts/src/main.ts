import { runSubgraphMain } from "@store/service-kit";
import { accounts } from "./definition.ts";

await runSubgraphMain(accounts);
