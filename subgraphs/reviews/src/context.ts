import type { RequestInfo } from "@store/service-kit";
import type { ReviewsPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { Neighbours } from "./neighbours.ts";

export interface ReviewsContext {
  requestId: string;
  prisma: ReviewsPrisma;
  loaders: Loaders;
  /** Clients for the products and accounts subgraphs (addReview's existence checks). */
  neighbours: Neighbours;
  /** The caller's user id once the router authenticates requests; null for anonymous ones. */
  viewerId: string | null;
}

export function createContext(prisma: ReviewsPrisma, request: RequestInfo, neighbours: Neighbours): ReviewsContext {
  return { requestId: request.requestId, prisma, loaders: createLoaders(prisma), neighbours, viewerId: null };
}
