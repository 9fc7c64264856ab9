import type { FormattedItem } from "../../execution/incremental-delivery.ts";
import { mergeDenials } from "./merge.ts";
import type { Rewritten } from "./rewrite.ts";

type Json = Record<string, unknown>;

/**
 * The denials of a rewritten operation placed in one deferred part (@defer): its data is hung at its
 * path under an empty skeleton of the response, so the denial steps from the root find their places
 * in it; the nulls and errors that land inside the part are the part's (but for those the initial
 * payload reported already).
 */
export function denialsInDeferredItem(
  item: FormattedItem,
  rewritten: Rewritten,
  /** Paths of the denials the initial payload already reported (the parent of the field was there). */
  placedInInitial: ReadonlySet<string>,
): FormattedItem {
  if (!item.data) return item;
  const root: Json = {};
  let container: any = root;
  item.path.forEach((key, i) => {
    const last = i === item.path.length - 1;
    container[key] = last ? item.data : typeof item.path[i + 1] === "number" ? [] : {};
    container = container[key];
  });
  const { data, errors } = mergeDenials(root, rewritten);
  const inside = errors.filter((error) => isBelow(item.path, error.path) && !placedInInitial.has(JSON.stringify(error.path)));
  let placed: any = data;
  for (const key of item.path) placed = placed?.[key] ?? null;
  if (inside.length === 0 && placed === item.data) return item;
  return { ...item, data: placed ?? null, errors: [...(item.errors ?? []), ...inside] };
}

function isBelow(prefix: readonly (string | number)[], path: readonly (string | number)[] | undefined): boolean {
  return !!path && path.length > prefix.length && prefix.every((key, i) => path[i] === key);
}
