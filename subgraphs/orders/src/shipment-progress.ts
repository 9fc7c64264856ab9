import { Topics, type EventBus, type OrderStatusChangedEvent } from "@store/events";
import { ErrorCode, codedError, isStaff, requireSignedIn, type Caller } from "@store/wire";
import { ordersByIds, type Order } from "./data/orders.ts";
import type { OrdersPrisma } from "./data/prisma.ts";

/** One topic per order: the broker delivers an order's events only where someone follows that order. */
export const orderStatusTopic = (orderId: string) => `${Topics.orderStatusChanged}.${orderId}`;

/** What each step of the carrier's journey sets: the order's status, the shipment's and the tracking event. */
const NEXT_STEP = {
  CONFIRMED: { status: "SHIPPED", shipment: "IN_TRANSIT", description: "The carrier picked up the parcel.", location: "Sorting centre" },
  SHIPPED: { status: "DELIVERED", shipment: "DELIVERED", description: "Delivered to the recipient.", location: "Destination" },
} as const;

/**
 * Staff move a shipment on (what a carrier's webhook would do). The status changes only from the
 * one read, so two concurrent advances cannot both apply; subscribers hear of it once it is stored.
 */
export async function advanceShipment(
  deps: { prisma: OrdersPrisma; events: EventBus },
  caller: Caller | null,
  orderId: string,
): Promise<Order> {
  const staff = requireSignedIn(caller, "advance a shipment");
  if (!isStaff(staff)) throw codedError(ErrorCode.FORBIDDEN, "Only staff may advance a shipment.");
  const [order] = await ordersByIds(deps.prisma, [orderId]);
  if (!order) throw codedError(ErrorCode.NOT_FOUND, `No order ${orderId}.`, { orderId });
  const step = NEXT_STEP[order.status as keyof typeof NEXT_STEP];
  if (!step) throw codedError(ErrorCode.CONFLICT, `Order ${orderId} is ${order.status}: its shipment cannot move on.`, { orderId });
  const moved = await deps.prisma.$transaction(async (tx) => {
    const updated = await tx.order.updateMany({ where: { id: orderId, status: order.status as never }, data: { status: step.status } });
    if (updated.count === 0) return false;
    const shipment = await tx.shipment.update({ where: { orderId }, data: { status: step.shipment } });
    await tx.trackingEvent.create({
      data: {
        shipmentId: shipment.id,
        status: step.shipment,
        description: step.description,
        location: step.location,
        occurredAt: new Date(),
      },
    });
    return true;
  });
  if (!moved) throw codedError(ErrorCode.CONFLICT, `Order ${orderId} changed meanwhile; read it again.`, { orderId });
  const event: OrderStatusChangedEvent = { orderId, status: step.status };
  await deps.events.publish(orderStatusTopic(orderId), event);
  const [after] = await ordersByIds(deps.prisma, [orderId]);
  return after!;
}
