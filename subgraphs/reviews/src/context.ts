import type { RequestInfo, Viewer } from "@store/service-kit";
import type { ReviewsPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { Neighbours } from "./neighbours.ts";

export interface ReviewsContext {
  requestId: string;
  prisma: ReviewsPrisma;
  loaders: Loaders;
  /** Clients for the products and accounts subgraphs (addReview's existence checks). */
  neighbours: Neighbours;
  /** The signed-in caller (from the router's claims header), or null for an anonymous request. */
  viewer: Viewer | null;
  /** viewer.id, or null for an anonymous request. */
  viewerId: string | null;
}

export function createContext(prisma: ReviewsPrisma, request: RequestInfo, neighbours: Neighbours): ReviewsContext {
  return { requestId: request.requestId, prisma, loaders: createLoaders(prisma), neighbours, viewer: request.viewer, viewerId: request.viewer?.id ?? null };
}
