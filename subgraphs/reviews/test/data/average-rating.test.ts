import { describe, expect, it } from "vitest";
import { averageRating } from "../../src/data/average-rating.ts";

describe("averageRating", () => {
  it("shows one decimal, halves rounded up, null without reviews", () => {
    expect(averageRating(220, 57)).toBe(3.9); // 3.8596491228070176, the value the issue saw
    expect(averageRating(17, 4)).toBe(4.3); // 4.25
    expect(averageRating(5, 1)).toBe(5);
    expect(averageRating(7, 3)).toBe(2.3); // 2.333...
    expect(averageRating(0, 0)).toBeNull();
  });
});
