import { alignToKeys, groupToKeys } from "@store/data-loading";
import type { Shipment, TrackingEvent, OrdersPrisma } from "./prisma.ts";

export type { Shipment, TrackingEvent };

/** The shipment of each order, in id order, null where an order has none. */
export async function shipmentsByOrderIds(prisma: OrdersPrisma, orderIds: readonly string[]): Promise<(Shipment | null)[]> {
  const rows = await prisma.shipment.findMany({ where: { orderId: { in: [...orderIds] } } });
  return alignToKeys(orderIds, rows, (row) => row.orderId);
}

export async function shipmentsByTrackingNumbers(prisma: OrdersPrisma, numbers: readonly string[]): Promise<(Shipment | null)[]> {
  const rows = await prisma.shipment.findMany({ where: { trackingNumber: { in: [...numbers] } } });
  return alignToKeys(numbers, rows, (row) => row.trackingNumber);
}

/** Tracking events of each shipment, oldest first. */
export async function eventsByShipmentIds(prisma: OrdersPrisma, shipmentIds: readonly string[]): Promise<TrackingEvent[][]> {
  const rows = await prisma.trackingEvent.findMany({
    where: { shipmentId: { in: [...shipmentIds] } },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
  });
  return groupToKeys(shipmentIds, rows, (row) => row.shipmentId);
}
