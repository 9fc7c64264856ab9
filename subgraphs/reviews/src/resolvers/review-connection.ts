import { pageRequest, toConnection } from "@store/data-loading";
import type DataLoader from "dataloader";
import { reviewKeyset, reviewSortValues, type Review } from "../data/reviews.ts";
import type { ReviewPageKey } from "../loaders.ts";

export interface ReviewListArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * A ReviewConnection for one parent (product or author). The page comes from a loader that batches
 * every parent of the request; totalCount is resolved only when asked for, through a stats loader.
 */
export async function reviewConnection(
  pages: DataLoader<ReviewPageKey, Review[], string>,
  parentId: string,
  args: ReviewListArgs,
  totalCount: () => Promise<number>,
) {
  const page = pageRequest(args, { arity: 2, defaultSize: 10, maxSize: 100 });
  reviewKeyset(page.after); // a forged cursor fails here, with BAD_USER_INPUT, not in the batch
  const rows = await pages.load({ parentId, page });
  return { ...toConnection(rows, page, reviewSortValues), totalCount };
}
