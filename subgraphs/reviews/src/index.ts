/** The reviews subgraph's published entry point: its definition, server factory, settings loader and seed. */
export { createReviewsDefinition, reviewsMigrationsDir } from "./definition.ts";
export { createServer } from "./server.ts";
export { seedReviews } from "./seed.ts";
export { loadReviewsSettings, type ReviewsSettings } from "./config.ts";
