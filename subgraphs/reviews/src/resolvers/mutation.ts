import { invalidateEntities } from "@store/service-kit";
import { randomUUID } from "node:crypto";
import { ErrorCode, codedError, requireSignedIn } from "@store/wire";
import type { ReviewsContext } from "../context.ts";
import { createReview } from "../data/reviews.ts";
import { validateAddReviewInput, type AddReviewInput } from "../validation.ts";

export const Mutation = {
  /**
   * The author is the signed-in viewer (UNAUTHENTICATED without one). Validates, asks products and
   * accounts (in parallel, before any write) whether the product and the author exist, then stores
   * the review with a copy of the author's username.
   */
  addReview: async (_: unknown, args: { input: AddReviewInput }, ctx: ReviewsContext) => {
    const caller = requireSignedIn(ctx.caller, "write a review");
    const input = validateAddReviewInput(args.input);
    const [[product], [author]] = await Promise.all([
      ctx.neighbours.products.entities<{ id: string }>("Product", [input.productId], "id", ctx.claims),
      ctx.neighbours.accounts.entities<{ id: string; username: string }>("User", [caller.id], "id username", ctx.claims),
    ]);
    if (!product) {
      throw codedError(ErrorCode.NOT_FOUND, `There is no product with id "${input.productId}".`, { field: "productId" });
    }
    if (!author) {
      // A valid token for an account that is gone: the caller is nobody we know.
      throw codedError(ErrorCode.UNAUTHENTICATED, `The signed-in user "${caller.id}" does not exist.`);
    }
    const review = await createReview(ctx.prisma, {
      id: `rev_${randomUUID()}`,
      productId: input.productId,
      authorId: author.id,
      authorUsername: author.username,
      rating: input.rating,
      title: input.title,
      body: input.body,
    });
    ctx.loaders.reviewById.prime(review.id, review);
    // The product's rating and reviews, and the author's reviews, changed: the router's cached copies are stale.
    invalidateEntities(ctx, { typename: "Product", key: { id: input.productId } }, { typename: "User", key: { id: author.id } });
    return review;
  },
};
