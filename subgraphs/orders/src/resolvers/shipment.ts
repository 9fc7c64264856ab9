import type { OrdersContext } from "../context.ts";
import type { Shipment as ShipmentRow } from "../data/shipments.ts";

const events = (shipment: ShipmentRow, _: unknown, ctx: OrdersContext) => ctx.loaders.eventsByShipmentId.load(shipment.id);

/** A shipment as its order's owner sees it (reached through Order.shipment). */
export const Shipment = {
  /** Null unless the viewer may read the order, like every other way to an order. */
  order: (shipment: ShipmentRow, _: unknown, ctx: OrdersContext) => ctx.loaders.readableOrderById.load(shipment.orderId),
  events,
};

/** The same shipment as anyone with its tracking number sees it: no order, lines or buyer. */
export const ShipmentTracking = { events };
