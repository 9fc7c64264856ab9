import { requireViewer, type Viewer } from "@store/service-kit";
import type { OrdersContext } from "../context.ts";

/** Staff read any order; everyone else only their own. */
const mayReadOrdersOf = (viewer: Viewer, userId: string) => viewer.id === userId || viewer.roles.includes("admin") || viewer.scopes.includes("admin");

export const Query = {
  // The router checks sign-in and scopes from the schema; ownership needs the order itself, so it is
  // checked here. Someone else's order answers null, as an unknown id does, so ids cannot be probed.
  order: async (_: unknown, args: { id: string }, ctx: OrdersContext) => {
    const viewer = requireViewer(ctx.viewer, "read an order");
    const order = await ctx.loaders.orderById.load(args.id);
    return order && mayReadOrdersOf(viewer, order.userId) ? order : null;
  },
  trackShipment: (_: unknown, args: { trackingNumber: string }, ctx: OrdersContext) =>
    ctx.loaders.shipmentByTrackingNumber.load(args.trackingNumber),
};
