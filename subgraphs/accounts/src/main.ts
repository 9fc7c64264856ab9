import { runSubgraphMain } from "@store/service-kit";
import { loadAccountsSettings } from "./config.ts";
import { createAccountsDefinition } from "./definition.ts";

await runSubgraphMain(() => createAccountsDefinition(loadAccountsSettings()));
