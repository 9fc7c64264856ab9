import type { EventBus } from "@store/events";
import { forwardableClaims, type Caller } from "@store/wire";
import type { RequestInfo, Logger, SubgraphClient } from "@store/service-kit";
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
  /** Replaced for each event of a subscription, so no event reads what an earlier one cached. */
  loaders: Loaders;
  events: EventBus;
  upstreams: OrdersUpstreams;
  /** The signed-in caller (from the router's claims header), or null for an anonymous request. */
  caller: Caller | null;
  /** caller.id, or null for an anonymous request. */
  callerId: string | null;
  /** The router's signed claims of this request, forwarded unchanged on orders' own calls. */
  claims: Record<string, string>;
  logger: Logger;
}

export function createContext(prisma: OrdersPrisma, request: RequestInfo, upstreams: OrdersUpstreams): OrdersContext {
  return {
    requestId: request.requestId,
    prisma,
    loaders: createLoaders(prisma, request.caller),
    events: request.events,
    upstreams,
    caller: request.caller,
    callerId: request.caller?.id ?? null,
    claims: forwardableClaims(request.headers),
    logger: request.logger,
  };
}
