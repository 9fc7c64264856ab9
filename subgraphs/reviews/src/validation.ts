import { badUserInput } from "@store/wire";

/** What a client sends to addReview. */
export interface AddReviewInput {
  productId: string;
  rating: number;
  title: string;
  body: string;
}

export const RATING_MIN = 1;
export const RATING_MAX = 5;
export const TITLE_MAX = 120;
export const BODY_MAX = 5000;
const ID_MAX = 100;

/** Length in characters (code points), so an emoji counts once. */
const length = (text: string) => [...text].length;

function requireText(field: keyof AddReviewInput, value: string, max: number): string {
  const trimmed = value.trim();
  if (length(trimmed) < 1 || length(trimmed) > max) {
    throw badUserInput(`\`${field}\` must be 1 to ${max} characters long (after trimming spaces).`, { field, min: 1, max });
  }
  return trimmed;
}

/**
 * Checks and normalises an addReview input: rating a whole number 1..5, title 1..120 and body
 * 1..5000 characters after trimming, productId not blank. Throws BAD_USER_INPUT with `extensions.field`
 * naming the first offending field.
 */
export function validateAddReviewInput(input: AddReviewInput): AddReviewInput {
  const productId = requireText("productId", input.productId, ID_MAX);
  if (!Number.isInteger(input.rating) || input.rating < RATING_MIN || input.rating > RATING_MAX) {
    throw badUserInput(`\`rating\` must be a whole number from ${RATING_MIN} to ${RATING_MAX}.`, {
      field: "rating",
      min: RATING_MIN,
      max: RATING_MAX,
    });
  }
  const title = requireText("title", input.title, TITLE_MAX);
  const body = requireText("body", input.body, BODY_MAX);
  return { productId, rating: input.rating, title, body };
}
