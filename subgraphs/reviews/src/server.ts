import { createSubgraphServer, type SubgraphDeps } from "@store/service-kit";
import { loadReviewsSettings, type ReviewsSettings } from "./config.ts";
import { createReviewsDefinition } from "./definition.ts";

/**
 * Builds the reviews service without side effects; tests and main.ts both start here. Settings
 * default to the built-in defaults (not process.env), so tests pass the URLs they want.
 */
export const createServer = (deps: SubgraphDeps, settings: ReviewsSettings = loadReviewsSettings({})) =>
  createSubgraphServer(createReviewsDefinition(settings), deps);
