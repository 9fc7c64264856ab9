import type { Category } from "../generated/prisma/client.ts";
import type { ProductsPrisma } from "./prisma.ts";

export type { Category };

/** Categories for the given ids, in the same order, null where there is none (DataLoader contract). */
export async function categoriesByIds(prisma: ProductsPrisma, ids: readonly string[]): Promise<(Category | null)[]> {
  const rows = await prisma.category.findMany({ where: { id: { in: [...ids] } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Categories for the given slugs, in the same order, null where there is none. */
export async function categoriesBySlugs(prisma: ProductsPrisma, slugs: readonly string[]): Promise<(Category | null)[]> {
  const rows = await prisma.category.findMany({ where: { slug: { in: [...slugs] } } });
  const bySlug = new Map(rows.map((row) => [row.slug, row]));
  return slugs.map((slug) => bySlug.get(slug) ?? null);
}

/** Every category, alphabetically (there are few: the catalogue's top-level shelves). */
export function listCategories(prisma: ProductsPrisma): Promise<Category[]> {
  return prisma.category.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] });
}
