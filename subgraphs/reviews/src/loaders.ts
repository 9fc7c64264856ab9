import DataLoader from "dataloader";
import { pagedLoaderKey, type PageRequest } from "@store/data-loading";
import {
  authorReviewCounts,
  firstReviewsPerParent,
  productReviewStats,
  reviewKeyset,
  reviewsByIds,
  type Review,
  type ReviewParentColumn,
} from "./data/reviews.ts";
import type { ReviewsPrisma } from "./data/prisma.ts";

/** One parent's page request: which product (or author), and the field's arguments. */
export interface ReviewPageKey {
  parentId: string;
  page: PageRequest;
}

/**
 * Pages of reviews for many parents at once. Keys carry the field arguments, so `reviews(first: 5)`
 * and `reviews(first: 10)` on the same product are different keys; the batch runs one window-function
 * statement per distinct set of arguments, not per parent.
 */
function reviewPages(prisma: ReviewsPrisma, parent: ReviewParentColumn, onRow: (row: Review) => void) {
  return new DataLoader<ReviewPageKey, Review[], string>(
    async (keys) => {
      const groups = new Map<string, { page: PageRequest; parentIds: string[] }>();
      for (const key of keys) {
        // Keys with equal page arguments share one SQL statement.
        const args = pagedLoaderKey(key.page);
        const group = groups.get(args) ?? { page: key.page, parentIds: [] };
        group.parentIds.push(key.parentId);
        groups.set(args, group);
      }
      const lists = new Map<string, Review[]>();
      await Promise.all(
        [...groups.values()].map(async ({ page, parentIds }) => {
          const pages = await firstReviewsPerParent(prisma, parent, parentIds, page.take, reviewKeyset(page.after));
          parentIds.forEach((id, i) => lists.set(pagedLoaderKey(page, id), pages[i]!));
        }),
      );
      for (const rows of lists.values()) rows.forEach(onRow);
      return keys.map((key) => lists.get(pagedLoaderKey(key.page, key.parentId)) ?? []);
    },
    { cacheKeyFn: (key) => pagedLoaderKey(key.page, key.parentId) },
  );
}

/** Built per request: batching across one request's resolvers, no caching across requests. */
export function createLoaders(prisma: ReviewsPrisma) {
  const reviewById = new DataLoader((ids: readonly string[]) => reviewsByIds(prisma, ids));
  const remember = (row: Review) => reviewById.prime(row.id, row);
  return {
    reviewById,
    reviewsByProduct: reviewPages(prisma, "productId", remember),
    reviewsByAuthor: reviewPages(prisma, "authorId", remember),
    /** Count and mean rating per product (also the total of Product.reviews). */
    productStats: new DataLoader((ids: readonly string[]) => productReviewStats(prisma, ids)),
    /** Number of reviews per author (the total of User.reviews). */
    authorReviewCount: new DataLoader((ids: readonly string[]) => authorReviewCounts(prisma, ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
