import DataLoader from "dataloader";
import { pagedLoaderKey } from "@store/data-loading";
import { categoriesByIds, categoriesBySlugs, type Category } from "./data/categories.ts";
import type { ProductsPrisma } from "./data/prisma.ts";
import {
  productCountsByCategory,
  productPagesByCategory,
  productsByIds,
  productsBySkus,
  type CategoryPageKey,
  type Product,
} from "./data/products.ts";

/** Built per request: batching across one request's resolvers, no caching across requests. */
export function createLoaders(prisma: ProductsPrisma) {
  const loaders = {
    productById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await productsByIds(prisma, ids);
      for (const row of rows) if (row) loaders.productBySku.prime(row.sku, row);
      return rows;
    }),
    productBySku: new DataLoader(async (skus: readonly string[]) => {
      const rows = await productsBySkus(prisma, skus);
      for (const row of rows) if (row) loaders.productById.prime(row.id, row);
      return rows;
    }),
    categoryById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await categoriesByIds(prisma, ids);
      for (const row of rows) if (row) loaders.categoryBySlug.prime(row.slug, row);
      return rows;
    }),
    categoryBySlug: new DataLoader(async (slugs: readonly string[]) => {
      const rows = await categoriesBySlugs(prisma, slugs);
      for (const row of rows) if (row) loaders.categoryById.prime(row.id, row);
      return rows;
    }),
    /** First page (or the page after a cursor) of each category's products, all in one statement. */
    productsPageByCategory: new DataLoader((keys: readonly CategoryPageKey[]) => productPagesByCategory(prisma, keys), {
      cacheKeyFn: (key) => pagedLoaderKey({ take: key.take, after: key.afterId }, key.categoryId),
    }),
    productCountByCategoryId: new DataLoader((ids: readonly string[]) => productCountsByCategory(prisma, ids)),
    /** Puts rows a list query already fetched where later by-id/by-sku lookups will find them. */
    primeProducts(rows: readonly Product[]) {
      for (const row of rows) {
        loaders.productById.prime(row.id, row);
        loaders.productBySku.prime(row.sku, row);
      }
    },
    primeCategories(rows: readonly Category[]) {
      for (const row of rows) {
        loaders.categoryById.prime(row.id, row);
        loaders.categoryBySlug.prime(row.slug, row);
      }
    },
  };
  return loaders;
}

export type Loaders = ReturnType<typeof createLoaders>;
