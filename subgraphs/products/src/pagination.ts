import { badUserInput } from "@store/wire";
import { pageRequest, type PageRequest } from "@store/data-loading";

/** A page of products: keyset on id, so a cursor holds `[id]`. */
export interface ProductPage extends PageRequest {
  afterId: string | null;
}

export function productPageRequest(args: { first?: number | null; after?: string | null }): ProductPage {
  const page = pageRequest(args, { arity: 1, defaultSize: 20, maxSize: 100 });
  const id = page.after?.[0];
  if (id !== undefined && typeof id !== "string") {
    throw badUserInput("The `after` cursor is not one this API issued.", { argument: "after" });
  }
  return { ...page, afterId: id ?? null };
}
