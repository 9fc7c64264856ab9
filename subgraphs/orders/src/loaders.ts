import DataLoader from "dataloader";
import type { PageRequest } from "@store/service-kit";
import { linesByOrderIds, orderCountsByUserIds, ordersByIds, ordersPageForUsers, type Order } from "./data/orders.ts";
import type { OrdersPrisma } from "./data/prisma.ts";
import { eventsByShipmentIds, shipmentsByOrderIds, shipmentsByTrackingNumbers } from "./data/shipments.ts";

/** Built per request: batching across one request's resolvers, no caching across requests. */
export function createLoaders(prisma: OrdersPrisma) {
  const orderById = new DataLoader((ids: readonly string[]) => ordersByIds(prisma, ids));
  // One loader per distinct page arguments: all users asking for the same page share one statement.
  const ordersPages = new Map<string, DataLoader<string, Order[]>>();

  return {
    orderById,
    linesByOrderId: new DataLoader((orderIds: readonly string[]) => linesByOrderIds(prisma, orderIds)),
    shipmentByOrderId: new DataLoader((orderIds: readonly string[]) => shipmentsByOrderIds(prisma, orderIds)),
    shipmentByTrackingNumber: new DataLoader((numbers: readonly string[]) => shipmentsByTrackingNumbers(prisma, numbers)),
    eventsByShipmentId: new DataLoader((shipmentIds: readonly string[]) => eventsByShipmentIds(prisma, shipmentIds)),
    orderCountByUserId: new DataLoader((userIds: readonly string[]) => orderCountsByUserIds(prisma, userIds)),
    /** The loader for one page shape (`take`, `after`); load(userId) gives that user's page rows. */
    ordersByUserId(page: PageRequest): DataLoader<string, Order[]> {
      const key = JSON.stringify([page.take, page.after]);
      let loader = ordersPages.get(key);
      if (!loader) {
        loader = new DataLoader(async (userIds: readonly string[]) => {
          const pages = await ordersPageForUsers(prisma, userIds, page);
          for (const order of pages.flat()) orderById.prime(order.id, order);
          return pages;
        });
        ordersPages.set(key, loader);
      }
      return loader;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
