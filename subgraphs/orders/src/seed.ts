import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import type { OrdersPrisma } from "./data/prisma.ts";
import type { OrderStatus } from "./data/orders.ts";
import { priceOrder } from "./pricing.ts";
import { newTrackingNumber } from "./tracking-numbers.ts";

const CHUNK = 1000;

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) await write(rows.slice(start, start + CHUNK));
}

/**
 * Loads the store's orders (with lines, shipments and tracking events) when the database has none.
 * Totals come from this service's pricing rules; tracking numbers are random (everything else follows
 * the seed). All in one transaction: a half-seeded database
 * would never be seeded again.
 */
export async function seedOrders(prisma: OrdersPrisma): Promise<boolean> {
  if ((await prisma.order.count()) > 0) return false;
  const { orders } = generateStore(seedSizesFromEnv());

  const orderRows = orders.map((order) => ({
    id: order.id,
    userId: order.userId,
    status: order.status as OrderStatus,
    currency: order.currency,
    ...priceOrder(order.lines),
    createdAt: order.createdAt,
  }));
  const lineRows = orders.flatMap((order) => order.lines.map((line) => ({ orderId: order.id, ...line })));
  const shipmentId = (orderId: string) => `shp_${orderId.slice("ord_".length)}`;
  const shipmentRows = orders.map((order) => ({
    id: shipmentId(order.id),
    orderId: order.id,
    trackingNumber: newTrackingNumber(), // random, not part of the deterministic seed: see tracking-numbers.ts
    carrier: order.shipment.carrier,
    status: order.shipment.status,
  }));
  const eventRows = orders.flatMap((order) => order.shipment.events.map((event) => ({ shipmentId: shipmentId(order.id), ...event })));

  await prisma.$transaction(
    async (tx) => {
      await inChunks(orderRows, (data) => tx.order.createMany({ data }));
      await inChunks(lineRows, (data) => tx.orderLine.createMany({ data }));
      await inChunks(shipmentRows, (data) => tx.shipment.createMany({ data }));
      await inChunks(eventRows, (data) => tx.trackingEvent.createMany({ data }));
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  return true;
}
