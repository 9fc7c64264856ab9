import { alignToKeys, groupToKeys, type PageRequest } from "@store/data-loading";
import { Prisma, type Order, type OrderLine, type OrderStatus, type OrdersPrisma } from "./prisma.ts";

export type { Order, OrderLine, OrderStatus };

/** Orders for the given ids, in the same order, null where there is none (DataLoader contract). */
export async function ordersByIds(prisma: OrdersPrisma, ids: readonly string[]): Promise<(Order | null)[]> {
  const rows = await prisma.order.findMany({ where: { id: { in: [...ids] } } });
  return alignToKeys(ids, rows, (row) => row.id);
}

/** Lines of each order (entry order), one list per id, in id order. */
export async function linesByOrderIds(prisma: OrdersPrisma, orderIds: readonly string[]): Promise<OrderLine[][]> {
  const rows = await prisma.orderLine.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: { id: "asc" } });
  return groupToKeys(orderIds, rows, (row) => row.orderId);
}

/** Sort values of the keyset "newest first": [createdAt as ISO 8601, id]. */
export const orderSortValues = (order: Order): [string, string] => [order.createdAt.toISOString(), order.id];

/**
 * The first `page.take` orders of each user, newest first, after `page.after` if given: ONE
 * statement for any number of users (a window function numbers each user's orders).
 */
export async function ordersPageForUsers(prisma: OrdersPrisma, userIds: readonly string[], page: PageRequest): Promise<Order[][]> {
  if (page.take === 0 || userIds.length === 0) return userIds.map(() => []);
  const after = page.after ? Prisma.sql`AND (o."createdAt", o."id") < (${page.after[0]}::timestamp, ${page.after[1]})` : Prisma.empty;
  const rows = await prisma.$queryRaw<Array<Omit<Order, "status"> & { status: string }>>`
    SELECT "id", "userId", "status"::text AS "status", "currency", "subtotalCents", "shippingCents", "totalCents",
           "idempotencyKey", "requestHash", "createdAt"
    FROM (
      SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o."userId" ORDER BY o."createdAt" DESC, o."id" DESC) AS "rank"
      FROM "Order" o
      WHERE o."userId" = ANY(${[...userIds]}::text[]) ${after}
    ) ranked
    WHERE "rank" <= ${page.take}
    ORDER BY "userId", "createdAt" DESC, "id" DESC`;
  const orders = rows.map((row) => ({ ...row, status: row.status as OrderStatus, createdAt: new Date(row.createdAt) }));
  return groupToKeys(userIds, orders, (order) => order.userId);
}

/** How many orders each user has, in id order (0 for none): one GROUP BY statement. */
export async function orderCountsByUserIds(prisma: OrdersPrisma, userIds: readonly string[]): Promise<number[]> {
  const groups = await prisma.order.groupBy({ by: ["userId"], where: { userId: { in: [...userIds] } }, _count: { _all: true } });
  const counts = new Map(groups.map((group) => [group.userId, group._count._all]));
  return userIds.map((id) => counts.get(id) ?? 0);
}

export function orderByIdempotencyKey(prisma: OrdersPrisma, userId: string, idempotencyKey: string): Promise<Order | null> {
  return prisma.order.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
}

export interface NewOrder {
  id: string;
  userId: string;
  currency: string;
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
  idempotencyKey: string;
  requestHash: string;
  createdAt: Date;
  lines: Array<{ productId: string; quantity: number; unitPriceCents: number }>;
  shipment: {
    id: string;
    trackingNumber: string;
    carrier: string;
    status: string;
    firstEvent: { status: string; description: string; location: string; occurredAt: Date };
  };
}

/**
 * Writes an order with its lines, shipment and first tracking event. One nested create, which Prisma
 * runs as one transaction: all rows or none.
 */
export function createOrder(prisma: OrdersPrisma, order: NewOrder): Promise<Order> {
  const { lines, shipment, ...fields } = order;
  const { firstEvent, ...shipmentFields } = shipment;
  return prisma.order.create({
    data: {
      ...fields,
      status: "CONFIRMED",
      lines: { create: lines },
      shipment: { create: { ...shipmentFields, events: { create: [firstEvent] } } },
    },
  });
}

export function countOrders(prisma: OrdersPrisma, where: Prisma.OrderWhereInput = {}): Promise<number> {
  return prisma.order.count({ where });
}
