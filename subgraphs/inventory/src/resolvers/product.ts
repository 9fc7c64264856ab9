import type { InventoryContext } from "../context.ts";
import { estimateShipping, type ShippingInput } from "../shipping.ts";

/**
 * A Product reference from the router: `id`, plus `price` and `weightGrams` when the operation
 * asks for shippingEstimate (@requires). Products belong to the products subgraph, so every id
 * resolves; one nobody stocks simply has no stock.
 */
interface ProductReference {
  id: string;
  price?: ShippingInput["price"];
  weightGrams?: number;
}

const stockOf = (product: ProductReference, ctx: InventoryContext) => ctx.loaders.stockByProductId.load(product.id);

export const Product = {
  // No I/O here: the stock fields load through stockByProductId, batched across all references.
  __resolveReference: (reference: ProductReference) => reference,
  inStock: async (product: ProductReference, _: unknown, ctx: InventoryContext) =>
    (await stockOf(product, ctx)).some((level) => level.quantity > 0),
  totalStock: async (product: ProductReference, _: unknown, ctx: InventoryContext) =>
    (await stockOf(product, ctx)).reduce((sum, level) => sum + level.quantity, 0),
  stock: (product: ProductReference, _: unknown, ctx: InventoryContext) => stockOf(product, ctx),
  shippingEstimate: (product: ProductReference) => {
    if (!product.price || product.weightGrams == null) {
      // Only a caller bypassing the router can get here: the router always sends @requires fields.
      throw new Error(`shippingEstimate of ${product.id} needs price { cents currency } and weightGrams in the representation`);
    }
    return estimateShipping({ price: product.price, weightGrams: product.weightGrams });
  },
};
