import type { RequestInfo, SubgraphClient } from "@store/service-kit";
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
  /** The caller's user id once the router authenticates requests; null for anonymous ones. */
  viewerId: string | null;
}

export function createContext(prisma: OrdersPrisma, request: RequestInfo, upstreams: OrdersUpstreams): OrdersContext {
  return { requestId: request.requestId, prisma, loaders: createLoaders(prisma), upstreams, viewerId: null };
}
