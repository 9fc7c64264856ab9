import { badUserInput } from "@store/wire";
import { type PageRequest, alignToKeys } from "@store/data-loading";
import { Prisma, type Review, type ReviewsPrisma } from "./prisma.ts";
import { averageRating } from "./average-rating.ts";

export type { Review };

/** The column a list of reviews hangs off: a product's reviews or an author's. */
export type ReviewParentColumn = "productId" | "authorId";

/** Keyset position in a newest-first list: the last seen review's creation time and id. */
export interface ReviewKeyset {
  createdAt: Date;
  id: string;
}

/** Sort values a review's cursor encodes: [createdAt ISO, id]. */
export const reviewSortValues = (review: Review): [string, string] => [review.createdAt.toISOString(), review.id];

/** Turns decoded cursor values back into a keyset; BAD_USER_INPUT when they are not ours. */
export function reviewKeyset(after: PageRequest["after"]): ReviewKeyset | null {
  if (!after) return null;
  const [createdAt, id] = after;
  const date = typeof createdAt === "string" ? new Date(createdAt) : null;
  if (!date || Number.isNaN(date.getTime()) || typeof id !== "string") {
    throw badUserInput("The `after` cursor is not one this API issued.", { argument: "after" });
  }
  return { createdAt: date, id };
}

/** Reviews for the given ids, in the same order, null where there is none (DataLoader contract). */
export async function reviewsByIds(prisma: ReviewsPrisma, ids: readonly string[]): Promise<(Review | null)[]> {
  const rows = await prisma.review.findMany({ where: { id: { in: [...ids] } } });
  return alignToKeys(ids, rows, (row) => row.id);
}

const PARENT_COLUMNS: Record<ReviewParentColumn, Prisma.Sql> = {
  productId: Prisma.raw(`"productId"`),
  authorId: Prisma.raw(`"authorId"`),
};

/**
 * For every parent, up to `take` of its reviews newest first (createdAt DESC, id DESC) that come
 * after `after`, in ONE statement whatever the number of parents: a window function numbers each
 * parent's rows and the outer query keeps the first `take`. Served by the (parent, createdAt DESC,
 * id DESC) indexes. Returns one list per parent id, in the order of `parentIds`.
 */
export async function firstReviewsPerParent(
  prisma: ReviewsPrisma,
  parent: ReviewParentColumn,
  parentIds: readonly string[],
  take: number,
  after: ReviewKeyset | null,
): Promise<Review[][]> {
  if (parentIds.length === 0) return [];
  const column = PARENT_COLUMNS[parent];
  const afterClause = after
    ? Prisma.sql`AND ("createdAt", "id") < (${after.createdAt.toISOString()}::timestamp(3), ${after.id})`
    : Prisma.empty;
  const rows = await prisma.$queryRaw<Review[]>`
    SELECT "id", "productId", "authorId", "authorUsername", "rating", "title", "body", "createdAt"
    FROM (
      SELECT "Review".*,
             ROW_NUMBER() OVER (PARTITION BY ${column} ORDER BY "createdAt" DESC, "id" DESC) AS "position"
      FROM "Review"
      WHERE ${column} = ANY(${[...parentIds]}::text[]) ${afterClause}
    ) AS "ranked"
    WHERE "position" <= ${take}
    ORDER BY ${column}, "createdAt" DESC, "id" DESC`;
  const byParent = new Map<string, Review[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) byParent.get(row[parent])?.push(row);
  return parentIds.map((id) => byParent.get(id)!);
}

export interface ProductReviewStats {
  reviewCount: number;
  /** Mean rating rounded to one decimal (see average-rating.ts), null when the product has no reviews. */
  averageRating: number | null;
}

/** Count and mean rating (one decimal) per product, in the order of `productIds`, one statement for all. */
export async function productReviewStats(prisma: ReviewsPrisma, productIds: readonly string[]): Promise<ProductReviewStats[]> {
  const groups = await prisma.review.groupBy({
    by: ["productId"],
    where: { productId: { in: [...productIds] } },
    _count: { _all: true },
    _sum: { rating: true },
  });
  const byId = new Map(
    groups.map((g) => [g.productId, { reviewCount: g._count._all, averageRating: averageRating(g._sum.rating ?? 0, g._count._all) }]),
  );
  return productIds.map((id) => byId.get(id) ?? { reviewCount: 0, averageRating: null });
}

/** Number of reviews per author, in the order of `authorIds`, one statement for all. */
export async function authorReviewCounts(prisma: ReviewsPrisma, authorIds: readonly string[]): Promise<number[]> {
  const groups = await prisma.review.groupBy({
    by: ["authorId"],
    where: { authorId: { in: [...authorIds] } },
    _count: { _all: true },
  });
  const byId = new Map(groups.map((g) => [g.authorId, g._count._all]));
  return authorIds.map((id) => byId.get(id) ?? 0);
}

export type NewReview = Omit<Review, "createdAt"> & { createdAt?: Date };

export function createReview(prisma: ReviewsPrisma, review: NewReview): Promise<Review> {
  return prisma.review.create({ data: review });
}
