import { runSubgraphMain } from "@store/service-kit";
import { loadReviewsSettings } from "./config.ts";
import { createReviewsDefinition } from "./definition.ts";

await runSubgraphMain(() => createReviewsDefinition(loadReviewsSettings()));
