import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import type { ReviewsPrisma } from "./data/prisma.ts";

const CHUNK = 1000;

/** Loads the store's reviews when the database has none. */
export async function seedReviews(prisma: ReviewsPrisma): Promise<boolean> {
  if ((await prisma.review.count()) > 0) return false;
  const { reviews } = generateStore(seedSizesFromEnv());
  for (let i = 0; i < reviews.length; i += CHUNK) {
    await prisma.review.createMany({ data: reviews.slice(i, i + CHUNK) });
  }
  return true;
}
