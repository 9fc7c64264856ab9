/**
 * The mean rating as the store shows it: one decimal, halves rounded up (4.25 -> 4.3), computed from
 * the exact sum and count so that binary floating point never decides a rounding.
 */
export function averageRating(ratingSum: number, reviewCount: number): number | null {
  if (reviewCount === 0) return null;
  return Math.round((ratingSum * 10) / reviewCount) / 10;
}
