import type { ReviewsContext } from "../context.ts";

export const Query = {
  review: (_: unknown, args: { id: string }, ctx: ReviewsContext) => ctx.loaders.reviewById.load(args.id),
};
