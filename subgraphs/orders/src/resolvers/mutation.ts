import { invalidateEntities } from "@store/service-kit";
import { requireSignedIn } from "@store/wire";
import type { OrdersContext } from "../context.ts";
import type { PlaceOrderInput } from "../order-input.ts";
import { placeOrder } from "../place-order.ts";
import { advanceShipment } from "../shipment-progress.ts";

export const Mutation = {
  /** The buyer is the signed-in viewer; anonymous callers get UNAUTHENTICATED before anything is read. */
  placeOrder: async (_: unknown, args: { input: PlaceOrderInput; idempotencyKey: string }, ctx: OrdersContext) => {
    const order = await placeOrder(
      { prisma: ctx.prisma, ...ctx.upstreams, claims: ctx.claims, logger: ctx.logger },
      requireSignedIn(ctx.caller, "place an order").id,
      args.input,
      args.idempotencyKey,
    );
    // The order took stock: the router's cached stock of those products is stale.
    invalidateEntities(ctx, ...args.input.lines.map((line) => ({ typename: "Product", key: { id: line.productId } })));
    return order;
  },
  advanceShipment: (_: unknown, args: { orderId: string }, ctx: OrdersContext) =>
    advanceShipment({ prisma: ctx.prisma, events: ctx.events }, ctx.caller, args.orderId),
};
