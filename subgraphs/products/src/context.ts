import type { RequestInfo } from "@store/service-kit";
import type { ProductsPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

export interface ProductsContext {
  requestId: string;
  prisma: ProductsPrisma;
  loaders: Loaders;
}

export function createContext(prisma: ProductsPrisma, request: RequestInfo): ProductsContext {
  return { requestId: request.requestId, prisma, loaders: createLoaders(prisma) };
}
