import { eventStream, type StockChangedEvent } from "@store/events";
import { ErrorCode, codedError } from "@store/wire";
import type { InventoryContext } from "../context.ts";
import { createLoaders } from "../loaders.ts";
import { stockTopic } from "../stock-events.ts";

const MAX_PRODUCTS = 100;

export const Subscription = {
  stockChanged: {
    subscribe: (_: unknown, { productIds }: { productIds: string[] }, ctx: InventoryContext) => {
      const distinct = [...new Set(productIds)];
      if (distinct.length < 1 || distinct.length > MAX_PRODUCTS)
        throw codedError(ErrorCode.BAD_USER_INPUT, `Follow 1 to ${MAX_PRODUCTS} products at once.`, { field: "productIds" });
      return eventStream<StockChangedEvent>(ctx.events, distinct.map(stockTopic));
    },
    /** Each event reads the stock afresh. */
    resolve: (event: StockChangedEvent, _: unknown, ctx: InventoryContext) => {
      ctx.loaders = createLoaders(ctx.prisma);
      return { __typename: "Product", id: event.productId };
    },
  },
};
