import { requireSignedIn } from "@store/wire";
import type { OrdersContext } from "../context.ts";

export const Query = {
  // The router checks sign-in and scopes from the schema; ownership needs the order itself, so the
  // loader checks it. Someone else's order answers null, as an unknown id does, so ids cannot be probed.
  order: (_: unknown, args: { id: string }, ctx: OrdersContext) => {
    requireSignedIn(ctx.caller, "read an order");
    return ctx.loaders.readableOrderById.load(args.id);
  },
  /** The public tracking view (ShipmentTracking): carrier status and events, nothing of the order. */
  trackShipment: (_: unknown, args: { trackingNumber: string }, ctx: OrdersContext) =>
    ctx.loaders.shipmentByTrackingNumber.load(args.trackingNumber),
};
