import type { ReviewsContext } from "../context.ts";
import { reviewConnection, type ReviewListArgs } from "./review-connection.ts";

interface ProductReference {
  id: string;
}

export const Product = {
  /** Any product id is a product here (the products subgraph owns existence); fields batch below. */
  __resolveReference: (reference: ProductReference) => reference,
  reviews: (product: ProductReference, args: ReviewListArgs, ctx: ReviewsContext) =>
    reviewConnection(
      ctx.loaders.reviewsByProduct,
      product.id,
      args,
      async () => (await ctx.loaders.productStats.load(product.id)).reviewCount,
    ),
  averageRating: async (product: ProductReference, _: unknown, ctx: ReviewsContext) =>
    (await ctx.loaders.productStats.load(product.id)).averageRating,
  reviewCount: async (product: ProductReference, _: unknown, ctx: ReviewsContext) =>
    (await ctx.loaders.productStats.load(product.id)).reviewCount,
};
