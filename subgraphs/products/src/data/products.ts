import { alignToKeys } from "@store/data-loading";
import type { Prisma, Product, ProductsPrisma } from "./prisma.ts";
import type { ProductSearch } from "../product-filter.ts";

export type { Product };

/** Products for the given ids, in the same order, null where there is none (DataLoader contract). */
export async function productsByIds(prisma: ProductsPrisma, ids: readonly string[]): Promise<(Product | null)[]> {
  const rows = await prisma.product.findMany({ where: { id: { in: [...ids] } } });
  return alignToKeys(ids, rows, (row) => row.id);
}

/** Products for the given SKUs, in the same order, null where there is none. */
export async function productsBySkus(prisma: ProductsPrisma, skus: readonly string[]): Promise<(Product | null)[]> {
  const rows = await prisma.product.findMany({ where: { sku: { in: [...skus] } } });
  return alignToKeys(skus, rows, (row) => row.sku);
}

/** Escapes LIKE wildcards so that user text matches literally (Prisma's `contains` does not). */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function searchWhere(search: ProductSearch): Prisma.ProductWhereInput {
  const where: Prisma.ProductWhereInput = {};
  if (search.categorySlug !== undefined) where.category = { slug: search.categorySlug };
  if (search.minPriceCents !== undefined || search.maxPriceCents !== undefined) {
    where.priceCents = { gte: search.minPriceCents, lte: search.maxPriceCents };
  }
  if (search.text !== undefined) {
    const contains = likeLiteral(search.text);
    where.OR = [{ name: { contains, mode: "insensitive" } }, { description: { contains, mode: "insensitive" } }];
  }
  return where;
}

/** One page of the products matching `search`, ordered by id (keyset on id). */
export function searchProducts(
  prisma: ProductsPrisma,
  search: ProductSearch,
  page: { afterId: string | null; take: number },
): Promise<Product[]> {
  const after = page.afterId;
  const where = searchWhere(search);
  return prisma.product.findMany({
    where: after ? { AND: [where, { id: { gt: after } }] } : where,
    orderBy: { id: "asc" },
    take: page.take,
  });
}

/** How many products match `search`, across all pages. */
export function countProducts(prisma: ProductsPrisma, search: ProductSearch): Promise<number> {
  return prisma.product.count({ where: searchWhere(search) });
}

export const productSortValues = (product: Product): [string] => [product.id];

/** One category's page request: products of `categoryId` with id after `afterId`, at most `take`. */
export interface CategoryPageKey {
  categoryId: string;
  afterId: string | null;
  take: number;
}

/**
 * One page per key, in key order, in ONE statement whatever the number of keys: a LATERAL join
 * runs "first N after the cursor" per category on the (categoryId, id) index, so it reads only
 * the rows it returns (a window function would number every product of every category first).
 */
export async function productPagesByCategory(prisma: ProductsPrisma, keys: readonly CategoryPageKey[]): Promise<Product[][]> {
  if (keys.length === 0) return [];
  const rows = await prisma.$queryRaw<Array<Product & { keyIndex: bigint | number }>>`
    SELECT k."keyIndex", p."id", p."sku", p."name", p."description", p."priceCents", p."currency",
           p."weightGrams", p."categoryId", p."createdAt"
    FROM unnest(${keys.map((k) => k.categoryId)}::text[], ${keys.map((k) => k.afterId)}::text[], ${keys.map((k) => k.take)}::int[])
         WITH ORDINALITY AS k("categoryId", "afterId", "take", "keyIndex")
    CROSS JOIN LATERAL (
      SELECT * FROM "Product" q
      WHERE q."categoryId" = k."categoryId" AND (k."afterId" IS NULL OR q."id" > k."afterId")
      ORDER BY q."id"
      LIMIT k."take"
    ) p
    ORDER BY k."keyIndex", p."id"`;
  const pages: Product[][] = keys.map(() => []);
  for (const { keyIndex, ...product } of rows) {
    pages[Number(keyIndex) - 1]!.push({ ...product, createdAt: new Date(product.createdAt) });
  }
  return pages;
}

/** Product counts per category id, in key order (0 for a category with none), in one statement. */
export async function productCountsByCategory(prisma: ProductsPrisma, categoryIds: readonly string[]): Promise<number[]> {
  const groups = await prisma.product.groupBy({
    by: ["categoryId"],
    where: { categoryId: { in: [...categoryIds] } },
    _count: { _all: true },
  });
  const counts = new Map(groups.map((group) => [group.categoryId, group._count._all]));
  return categoryIds.map((id) => counts.get(id) ?? 0);
}
