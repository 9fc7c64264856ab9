import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { parseProductFilter } from "../src/product-filter.ts";

const errorOf = (work: () => unknown): GraphQLError => {
  try {
    work();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error("expected an error");
};

describe("parseProductFilter", () => {
  it("treats a missing filter and null fields as no constraint", () => {
    expect(parseProductFilter(undefined)).toEqual({});
    expect(parseProductFilter(null)).toEqual({});
    expect(parseProductFilter({ categorySlug: null, minPriceCents: null, maxPriceCents: null, text: null })).toEqual({});
  });

  it("keeps valid constraints and trims text", () => {
    expect(parseProductFilter({ categorySlug: "audio", minPriceCents: 0, maxPriceCents: 0, text: "  Lamp " })).toEqual({
      categorySlug: "audio",
      minPriceCents: 0,
      maxPriceCents: 0,
      text: "Lamp",
    });
  });

  it("reports every problem at once as BAD_USER_INPUT", () => {
    const error = errorOf(() => parseProductFilter({ minPriceCents: -1, maxPriceCents: -5, text: "   ", categorySlug: "" }));
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.fields).toEqual(["categorySlug", "minPriceCents", "maxPriceCents", "text"]);
  });

  it("rejects min above max and over-long text", () => {
    expect(errorOf(() => parseProductFilter({ minPriceCents: 500, maxPriceCents: 499 })).extensions.fields).toEqual(["maxPriceCents"]);
    expect(errorOf(() => parseProductFilter({ text: "x".repeat(101) })).extensions.fields).toEqual(["text"]);
    expect(parseProductFilter({ text: "x".repeat(100) }).text).toHaveLength(100);
  });
});
