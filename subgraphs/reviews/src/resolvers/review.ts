import type { ReviewsContext } from "../context.ts";
import type { Review as ReviewRow } from "../data/reviews.ts";

export const Review = {
  __resolveReference: (reference: { id: string }, ctx: ReviewsContext) => ctx.loaders.reviewById.load(reference.id),
  createdAt: (review: ReviewRow) => review.createdAt.toISOString(),
  /** A reference the router completes from the products subgraph. */
  product: (review: ReviewRow) => ({ id: review.productId }),
  /** Id plus the username copied when the review was written (what @provides promises); no query. */
  author: (review: ReviewRow) => ({ id: review.authorId, username: review.authorUsername }),
};
