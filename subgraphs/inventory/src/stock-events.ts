import { Topics, type EventBus, type StockChangedEvent } from "@store/events";

/** One topic per product: the broker delivers a product's events only where someone follows it. */
export const stockTopic = (productId: string) => `${Topics.stockChanged}.${productId}`;

/** Tells stockChanged subscribers which products' stock moved (once per product). */
export async function publishStockChanged(events: EventBus, lines: ReadonlyArray<{ productId: string }>): Promise<void> {
  const productIds = [...new Set(lines.map((line) => line.productId))];
  await Promise.all(productIds.map((productId) => events.publish(stockTopic(productId), { productId } satisfies StockChangedEvent)));
}
