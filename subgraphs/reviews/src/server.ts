import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import type { ReviewsSettings } from "./config.ts";
import { createReviewsDefinition } from "./definition.ts";

/** Builds the reviews service without side effects; tests and main.ts both start here. */
export const createServer = (deps: SubgraphDeps, settings: ReviewsSettings) =>
  createSubgraphServer(createReviewsDefinition(settings), deps);
