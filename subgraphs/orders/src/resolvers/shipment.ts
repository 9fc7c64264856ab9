import type { OrdersContext } from "../context.ts";
import type { Shipment as ShipmentRow } from "../data/shipments.ts";

export const Shipment = {
  order: (shipment: ShipmentRow, _: unknown, ctx: OrdersContext) => ctx.loaders.orderById.load(shipment.orderId),
  events: (shipment: ShipmentRow, _: unknown, ctx: OrdersContext) => ctx.loaders.eventsByShipmentId.load(shipment.id),
};
