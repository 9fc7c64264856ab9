/**
 * The cache key of a paged load: the parent whose page it is (a product, a user...) and the page's
 * size and cursor. Loads with equal keys are one load; loads whose keys differ only in the parent
 * share the same page arguments, so a batch can run one statement for all of them.
 */
export function pagedLoaderKey(page: { take: number; after: unknown }, parentId = ""): string {
  return `${parentId}|${page.take}|${page.after === null ? "" : JSON.stringify(page.after)}`;
}
