import { eventStream, type OrderStatusChangedEvent } from "@store/events";
import { ErrorCode, codedError, requireSignedIn } from "@store/wire";
import type { OrdersContext } from "../context.ts";
import { orderStatusTopic } from "../shipment-progress.ts";
import { createLoaders } from "../loaders.ts";

export const Subscription = {
  orderStatusChanged: {
    /** Refused unless the caller may read the order now (owner or staff), exactly as Query.order decides. */
    subscribe: async (_: unknown, { orderId }: { orderId: string }, ctx: OrdersContext) => {
      requireSignedIn(ctx.caller, "follow an order");
      if (!(await ctx.loaders.readableOrderById.load(orderId)))
        throw codedError(ErrorCode.NOT_FOUND, `No order ${orderId} that you may follow.`, { orderId });
      return eventStream<OrderStatusChangedEvent>(ctx.events, [orderStatusTopic(orderId)]);
    },
    /** Each event reads the order afresh, and checks again that the caller may still read it. */
    resolve: async (event: OrderStatusChangedEvent, _: unknown, ctx: OrdersContext) => {
      ctx.loaders = createLoaders(ctx.prisma, ctx.caller);
      const order = await ctx.loaders.readableOrderById.load(event.orderId);
      if (!order) throw codedError(ErrorCode.FORBIDDEN, `You may no longer follow order ${event.orderId}.`, { orderId: event.orderId });
      return order;
    },
  },
};
