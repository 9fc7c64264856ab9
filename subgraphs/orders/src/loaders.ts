import DataLoader from "dataloader";
import { mayReadOrdersOf, type Caller } from "@store/wire";
import { pagedLoaderKey, type PageRequest } from "@store/data-loading";
import { linesByOrderIds, orderCountsByUserIds, ordersByIds, ordersPageForUsers, type Order } from "./data/orders.ts";
import type { OrdersPrisma } from "./data/prisma.ts";
import { eventsByShipmentIds, shipmentsByOrderIds, shipmentsByTrackingNumbers } from "./data/shipments.ts";

/**
 * Built per request for its viewer: batching across one request's resolvers, no caching across
 * requests. Every way to an order goes through here, and here only orders the viewer may read come
 * out (the owner's, or any for staff: the staff role or scope, or an admin): an order of someone else is null, exactly like an unknown id,
 * and another user's order list or count is null. Resolvers therefore cannot reach an order
 * unchecked, whatever the router's schema directives say.
 */
export function createLoaders(prisma: OrdersPrisma, caller: Caller | null) {
  const mayRead = (userId: string) => mayReadOrdersOf(caller, userId);
  const readableOrderById = new DataLoader(async (ids: readonly string[]) =>
    (await ordersByIds(prisma, ids)).map((order) => (order && mayRead(order.userId) ? order : null)),
  );
  // One loader per distinct page arguments: all users asking for the same page share one statement.
  const ordersPages = new Map<string, DataLoader<string, Order[] | null>>();

  return {
    /** An order the viewer may read, or null (unknown, or someone else's). */
    readableOrderById,
    // Keyed by order ids the resolvers got from a readable order.
    linesByOrderId: new DataLoader((orderIds: readonly string[]) => linesByOrderIds(prisma, orderIds)),
    shipmentByOrderId: new DataLoader((orderIds: readonly string[]) => shipmentsByOrderIds(prisma, orderIds)),
    /** Public: whoever holds a tracking number may follow the parcel (the tracking view has no order in it). */
    shipmentByTrackingNumber: new DataLoader((numbers: readonly string[]) => shipmentsByTrackingNumbers(prisma, numbers)),
    eventsByShipmentId: new DataLoader((shipmentIds: readonly string[]) => eventsByShipmentIds(prisma, shipmentIds)),
    /** How many orders a user has, or null when the viewer may not read that user's orders. */
    orderCountByUserId: new DataLoader(async (userIds: readonly string[]) => {
      const readable = userIds.filter(mayRead);
      const counts = new Map(
        readable.length ? (await orderCountsByUserIds(prisma, readable)).map((count, i) => [readable[i]!, count]) : [],
      );
      return userIds.map((id) => counts.get(id) ?? null);
    }),
    /** The loader for one page shape (`take`, `after`); load(userId) gives that user's page rows, or null when the viewer may not read them. */
    ordersByUserId(page: PageRequest): DataLoader<string, Order[] | null> {
      const key = pagedLoaderKey(page);
      let loader = ordersPages.get(key);
      if (!loader) {
        loader = new DataLoader(async (userIds: readonly string[]) => {
          const readable = userIds.filter(mayRead);
          const pages = readable.length ? await ordersPageForUsers(prisma, readable, page) : [];
          const byUser = new Map(pages.map((orders, i) => [readable[i]!, orders]));
          for (const order of pages.flat()) readableOrderById.prime(order.id, order);
          return userIds.map((id) => byUser.get(id) ?? null);
        });
        ordersPages.set(key, loader);
      }
      return loader;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
