import { alignToKeys } from "@store/data-loading";
import type { Category, ProductsPrisma } from "./prisma.ts";

export type { Category };

/** Categories for the given ids, in the same order, null where there is none (DataLoader contract). */
export async function categoriesByIds(prisma: ProductsPrisma, ids: readonly string[]): Promise<(Category | null)[]> {
  const rows = await prisma.category.findMany({ where: { id: { in: [...ids] } } });
  return alignToKeys(ids, rows, (row) => row.id);
}

/** Categories for the given slugs, in the same order, null where there is none. */
export async function categoriesBySlugs(prisma: ProductsPrisma, slugs: readonly string[]): Promise<(Category | null)[]> {
  const rows = await prisma.category.findMany({ where: { slug: { in: [...slugs] } } });
  return alignToKeys(slugs, rows, (row) => row.slug);
}

/** Every category, alphabetically (there are few: the catalogue's top-level shelves). */
export function listCategories(prisma: ProductsPrisma): Promise<Category[]> {
  return prisma.category.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] });
}
