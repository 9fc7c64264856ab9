import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SubgraphDefinition } from "@store/service-kit";
import { gql } from "graphql-tag";
import type { ReviewsSettings } from "./config.ts";
import { createContext, type ReviewsContext } from "./context.ts";
import { createReviewsPrisma, type ReviewsPrisma } from "./data/prisma.ts";
import { createNeighbours } from "./neighbours.ts";
import { resolvers } from "./resolvers/index.ts";
import { seedReviews } from "./seed.ts";

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export const reviewsMigrationsDir = fromHere("../../../prisma/reviews/migrations");
const typeDefs = gql(readFileSync(fromHere("../schema.graphql"), "utf8"));

/** The reviews service, wired to the products and accounts endpoints named in `settings`. */
export function createReviewsDefinition(settings: ReviewsSettings): SubgraphDefinition<ReviewsPrisma, ReviewsContext> {
  const neighbours = createNeighbours(settings);
  return {
    name: "reviews",
    defaultPort: 4004,
    migrationsDir: reviewsMigrationsDir,
    defaultDataDir: fromHere("../../../.data/reviews"),
    typeDefs,
    resolvers: resolvers as SubgraphDefinition<ReviewsPrisma, ReviewsContext>["resolvers"],
    createPrisma: createReviewsPrisma,
    createContext: (prisma, request) => createContext(prisma, request, neighbours),
    seed: seedReviews,
  };
}
