import type { RequestInfo } from "@store/service-kit";
import type { AccountsPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

export interface AccountsContext {
  requestId: string;
  prisma: AccountsPrisma;
  loaders: Loaders;
  /** The caller's user id once the router authenticates requests; null for anonymous ones. */
  viewerId: string | null;
}

export function createContext(prisma: AccountsPrisma, request: RequestInfo): AccountsContext {
  return { requestId: request.requestId, prisma, loaders: createLoaders(prisma), viewerId: null };
}
