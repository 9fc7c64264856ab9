import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import type { ProductsPrisma } from "./data/prisma.ts";

const CHUNK = 1000;

/** Loads the store's categories and products when the database has no products, atomically. */
export async function seedProducts(prisma: ProductsPrisma): Promise<boolean> {
  if ((await prisma.product.count()) > 0) return false;
  const { categories, products } = generateStore(seedSizesFromEnv());
  await prisma.$transaction(
    async (tx) => {
      await tx.category.createMany({ data: categories, skipDuplicates: true });
      for (let i = 0; i < products.length; i += CHUNK) {
        await tx.product.createMany({ data: products.slice(i, i + CHUNK) });
      }
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  return true;
}
