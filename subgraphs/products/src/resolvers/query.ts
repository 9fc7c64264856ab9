import { badUserInput } from "@store/wire";
import { toConnection } from "@store/data-loading";
import { listCategories } from "../data/categories.ts";
import { countProducts, productSortValues, searchProducts } from "../data/products.ts";
import { productPageRequest } from "../pagination.ts";
import { parseProductFilter, type ProductFilterInput } from "../product-filter.ts";
import type { ProductsContext } from "../context.ts";

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const Query = {
  product: (_: unknown, args: { id?: string | null; sku?: string | null }, ctx: ProductsContext) => {
    const hasId = args.id != null;
    const hasSku = args.sku != null;
    if (hasId === hasSku) {
      throw badUserInput("Give exactly one of `id` and `sku`.", { arguments: ["id", "sku"] });
    }
    return hasId ? ctx.loaders.productById.load(args.id!) : ctx.loaders.productBySku.load(args.sku!);
  },

  products: async (_: unknown, args: PageArgs & { filter?: ProductFilterInput | null }, ctx: ProductsContext) => {
    const search = parseProductFilter(args.filter);
    const page = productPageRequest(args);
    const rows = await searchProducts(ctx.prisma, search, page);
    ctx.loaders.primeProducts(rows);
    // Counted only when asked for: one statement for this field, whatever the page size.
    return { ...toConnection(rows, page, productSortValues), totalCount: () => countProducts(ctx.prisma, search) };
  },

  categories: async (_: unknown, __: unknown, ctx: ProductsContext) => {
    const rows = await listCategories(ctx.prisma);
    ctx.loaders.primeCategories(rows);
    return rows;
  },

  category: (_: unknown, args: { slug: string }, ctx: ProductsContext) => ctx.loaders.categoryBySlug.load(args.slug),
};
