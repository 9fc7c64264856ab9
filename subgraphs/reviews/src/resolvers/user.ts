import type { ReviewsContext } from "../context.ts";
import { reviewConnection, type ReviewListArgs } from "./review-connection.ts";

interface UserReference {
  id: string;
  username?: string;
}

export const User = {
  /** Any user id is a user here (accounts owns existence); User.reviews batches below. */
  __resolveReference: (reference: UserReference) => reference,
  reviews: (user: UserReference, args: ReviewListArgs, ctx: ReviewsContext) =>
    reviewConnection(ctx.loaders.reviewsByAuthor, user.id, args, () => ctx.loaders.authorReviewCount.load(user.id)),
};
