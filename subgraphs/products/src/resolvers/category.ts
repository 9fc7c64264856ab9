import { toConnection } from "@store/data-loading";
import type { ProductsContext } from "../context.ts";
import type { Category as CategoryRow } from "../data/categories.ts";
import { productSortValues } from "../data/products.ts";
import { productPageRequest } from "../pagination.ts";

export const Category = {
  /** Batched across every category of the request: one statement for all their pages. */
  products: async (category: CategoryRow, args: { first?: number | null; after?: string | null }, ctx: ProductsContext) => {
    const page = productPageRequest(args);
    const rows = await ctx.loaders.productsPageByCategory.load({ categoryId: category.id, afterId: page.afterId, take: page.take });
    ctx.loaders.primeProducts(rows);
    ctx.loaders.categoryById.prime(category.id, category);
    return {
      ...toConnection(rows, page, productSortValues),
      totalCount: () => ctx.loaders.productCountByCategoryId.load(category.id),
    };
  },
  productCount: (category: CategoryRow, _: unknown, ctx: ProductsContext) => ctx.loaders.productCountByCategoryId.load(category.id),
};
