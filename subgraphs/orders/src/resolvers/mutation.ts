import type { OrdersContext } from "../context.ts";
import type { PlaceOrderInput } from "../order-input.ts";
import { placeOrder } from "../place-order.ts";

export const Mutation = {
  placeOrder: (_: unknown, args: { input: PlaceOrderInput; idempotencyKey: string }, ctx: OrdersContext) =>
    placeOrder({ prisma: ctx.prisma, ...ctx.upstreams }, args.input, args.idempotencyKey),
};
