import { money } from "@store/money";
import type { ProductsContext } from "../context.ts";
import type { Product as ProductRow } from "../data/products.ts";

/** A federation representation of Product: either key (`@key(fields: "id")` / `@key(fields: "sku")`). */
type ProductReference = { id: string; sku?: string } | { id?: undefined; sku: string };

export const Product = {
  __resolveReference: (reference: ProductReference, ctx: ProductsContext) =>
    reference.id != null
      ? ctx.loaders.productById.load(String(reference.id))
      : reference.sku != null
        ? ctx.loaders.productBySku.load(reference.sku)
        : null,
  price: (product: ProductRow) => money(product.priceCents, product.currency),
  category: (product: ProductRow, _: unknown, ctx: ProductsContext) => ctx.loaders.categoryById.load(product.categoryId),
  createdAt: (product: ProductRow) => product.createdAt.toISOString(),
};
