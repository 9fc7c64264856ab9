import DataLoader from "dataloader";
import type { InventoryPrisma } from "./data/prisma.ts";
import { stockLevelsByProductIds } from "./data/stock.ts";
import { warehousesByIds } from "./data/warehouses.ts";

/** Built per request: batching across one request's resolvers, no caching across requests. */
export function createLoaders(prisma: InventoryPrisma) {
  return {
    /** Every product's stock rows: inStock, totalStock and stock of all products share one query. */
    stockByProductId: new DataLoader((productIds: readonly string[]) => stockLevelsByProductIds(prisma, productIds)),
    warehouseById: new DataLoader((ids: readonly string[]) => warehousesByIds(prisma, ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
