import type { EventBus } from "@store/events";
import type { RequestInfo } from "@store/service-kit";
import type { InventoryPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

export interface InventoryContext {
  requestId: string;
  prisma: InventoryPrisma;
  /** Replaced for each event of a subscription, so no event reads what an earlier one cached. */
  loaders: Loaders;
  events: EventBus;
  /** Who signed the request (router, orders); unset where signatures are not checked. */
  callingService?: string;
}

export function createContext(prisma: InventoryPrisma, request: RequestInfo): InventoryContext {
  return {
    requestId: request.requestId,
    prisma,
    loaders: createLoaders(prisma),
    events: request.events,
    callingService: request.callingService,
  };
}
