import type { OrdersContext } from "../context.ts";

export const Query = {
  order: (_: unknown, args: { id: string }, ctx: OrdersContext) => ctx.loaders.orderById.load(args.id),
  trackShipment: (_: unknown, args: { trackingNumber: string }, ctx: OrdersContext) =>
    ctx.loaders.shipmentByTrackingNumber.load(args.trackingNumber),
};
