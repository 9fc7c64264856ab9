import type { RequestInfo } from "@store/service-kit";
import type { InventoryPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

export interface InventoryContext {
  requestId: string;
  prisma: InventoryPrisma;
  loaders: Loaders;
  /** Who signed the request (router, orders); unset where signatures are not checked. */
  callingService?: string;
}

export function createContext(prisma: InventoryPrisma, request: RequestInfo): InventoryContext {
  return { requestId: request.requestId, prisma, loaders: createLoaders(prisma), callingService: request.callingService };
}
