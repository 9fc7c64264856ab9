import { badUserInput } from "@store/wire";

/** The `ProductFilter` input as GraphQL hands it over (absent fields may be undefined or null). */
export interface ProductFilterInput {
  categorySlug?: string | null;
  minPriceCents?: number | null;
  maxPriceCents?: number | null;
  text?: string | null;
}

/** A validated search: only the constraints that apply, text already trimmed. */
export interface ProductSearch {
  categorySlug?: string;
  minPriceCents?: number;
  maxPriceCents?: number;
  text?: string;
}

export const MAX_TEXT_LENGTH = 100;
export const MAX_SLUG_LENGTH = 100;

/**
 * Checks a `ProductFilter` and returns the search it asks for. Every problem is reported at once
 * in one BAD_USER_INPUT error, with `extensions.fields` naming the offending fields.
 */
export function parseProductFilter(filter: ProductFilterInput | null | undefined): ProductSearch {
  const search: ProductSearch = {};
  if (!filter) return search;
  const problems: Array<{ field: string; message: string }> = [];
  const { categorySlug, minPriceCents, maxPriceCents, text } = filter;

  if (categorySlug != null) {
    if (categorySlug.length === 0 || categorySlug.length > MAX_SLUG_LENGTH) {
      problems.push({ field: "categorySlug", message: `must be 1-${MAX_SLUG_LENGTH} characters` });
    } else search.categorySlug = categorySlug;
  }
  if (minPriceCents != null) {
    if (minPriceCents < 0) problems.push({ field: "minPriceCents", message: "must not be negative" });
    else search.minPriceCents = minPriceCents;
  }
  if (maxPriceCents != null) {
    if (maxPriceCents < 0) problems.push({ field: "maxPriceCents", message: "must not be negative" });
    else search.maxPriceCents = maxPriceCents;
  }
  if (search.minPriceCents !== undefined && search.maxPriceCents !== undefined && search.minPriceCents > search.maxPriceCents) {
    problems.push({ field: "maxPriceCents", message: "must not be below minPriceCents" });
  }
  if (text != null) {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_TEXT_LENGTH) {
      problems.push({ field: "text", message: `must be 1-${MAX_TEXT_LENGTH} characters (after trimming); omit it to match everything` });
    } else search.text = trimmed;
  }

  if (problems.length) {
    throw badUserInput(`Invalid product filter: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}.`, {
      argument: "filter",
      fields: problems.map((p) => p.field),
    });
  }
  return search;
}
