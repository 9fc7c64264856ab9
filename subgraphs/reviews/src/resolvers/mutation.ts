import { randomUUID } from "node:crypto";
import { ErrorCode, codedError } from "@store/service-kit";
import type { ReviewsContext } from "../context.ts";
import { createReview } from "../data/reviews.ts";
import { validateAddReviewInput, type AddReviewInput } from "../validation.ts";

export const Mutation = {
  /**
   * Validates, asks products and accounts (in parallel, before any write) whether the product and
   * the author exist, then stores the review with a copy of the author's username.
   */
  addReview: async (_: unknown, args: { input: AddReviewInput }, ctx: ReviewsContext) => {
    const input = validateAddReviewInput(args.input);
    const [[product], [author]] = await Promise.all([
      ctx.neighbours.products.entities<{ id: string }>("Product", [input.productId], "id"),
      ctx.neighbours.accounts.entities<{ id: string; username: string }>("User", [input.authorId], "id username"),
    ]);
    if (!product) {
      throw codedError(ErrorCode.NOT_FOUND, `There is no product with id "${input.productId}".`, { field: "productId" });
    }
    if (!author) {
      throw codedError(ErrorCode.NOT_FOUND, `There is no user with id "${input.authorId}".`, { field: "authorId" });
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
    return review;
  },
};
