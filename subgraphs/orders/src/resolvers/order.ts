import { money } from "@store/money";
import type { OrdersContext } from "../context.ts";
import type { Order as OrderRow } from "../data/orders.ts";
import type { OrderLineParent } from "./order-line.ts";

export const Order = {
  // A reference to an order the viewer may not read resolves to null, as an unknown id does.
  __resolveReference: (reference: { id: string }, ctx: OrdersContext) => ctx.loaders.readableOrderById.load(reference.id),
  createdAt: (order: OrderRow) => order.createdAt.toISOString(),
  user: (order: OrderRow) => ({ __typename: "User", id: order.userId }),
  lines: async (order: OrderRow, _: unknown, ctx: OrdersContext): Promise<OrderLineParent[]> => {
    const lines = await ctx.loaders.linesByOrderId.load(order.id);
    return lines.map((line) => ({ ...line, currency: order.currency }));
  },
  subtotal: (order: OrderRow) => money(order.subtotalCents, order.currency),
  shipping: (order: OrderRow) => money(order.shippingCents, order.currency),
  total: (order: OrderRow) => money(order.totalCents, order.currency),
  shipment: (order: OrderRow, _: unknown, ctx: OrdersContext) => ctx.loaders.shipmentByOrderId.load(order.id),
};
