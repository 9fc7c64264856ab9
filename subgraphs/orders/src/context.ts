import { forwardableClaims, type RequestInfo, type Logger, type SubgraphClient, type Viewer } from "@store/service-kit";
import type { OrdersPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

/** The services orders calls while placing an order (built once per process, shared by requests). */
export interface OrdersUpstreams {
  products: SubgraphClient;
  inventory: SubgraphClient;
}

export interface OrdersContext {
  requestId: string;
  prisma: OrdersPrisma;
  loaders: Loaders;
  upstreams: OrdersUpstreams;
  /** The signed-in caller (from the router's claims header), or null for an anonymous request. */
  viewer: Viewer | null;
  /** viewer.id, or null for an anonymous request. */
  viewerId: string | null;
  /** The router's signed claims of this request, forwarded unchanged on orders' own calls. */
  claims: Record<string, string>;
  logger: Logger;
}

export function createContext(prisma: OrdersPrisma, request: RequestInfo, upstreams: OrdersUpstreams): OrdersContext {
  return {
    requestId: request.requestId,
    prisma,
    loaders: createLoaders(prisma, request.viewer),
    upstreams,
    viewer: request.viewer,
    viewerId: request.viewer?.id ?? null,
    claims: forwardableClaims(request.headers),
    logger: request.logger,
  };
}
