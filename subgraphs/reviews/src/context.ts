import { forwardableClaims, type Caller } from "@store/wire";
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
  /** The signed-in caller (from the router's claims header), or null for an anonymous request. */
  caller: Caller | null;
  /** caller.id, or null for an anonymous request. */
  callerId: string | null;
  /** The router's signed claims of this request, forwarded unchanged on reviews' own calls. */
  claims: Record<string, string>;
}

export function createContext(prisma: ReviewsPrisma, request: RequestInfo, neighbours: Neighbours): ReviewsContext {
  return {
    requestId: request.requestId,
    prisma,
    loaders: createLoaders(prisma),
    neighbours,
    caller: request.caller,
    callerId: request.caller?.id ?? null,
    claims: forwardableClaims(request.headers),
  };
}
