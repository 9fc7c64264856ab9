import { describe, expect, it } from "vitest";
import { ConfigError } from "@store/service-kit";
import { loadReviewsSettings } from "../src/config.ts";
import { validateAddReviewInput } from "../src/validation.ts";

const valid = { productId: " prd_0001 ", rating: 4, title: "  Solid  ", body: "\nDoes the job.\n" };

const fieldOf = (input: typeof valid) => {
  try {
    validateAddReviewInput(input);
    return null;
  } catch (error) {
    return (error as { extensions: Record<string, unknown> }).extensions;
  }
};

describe("validateAddReviewInput", () => {
  it("trims the text fields and ids", () => {
    expect(validateAddReviewInput(valid)).toEqual({ productId: "prd_0001", rating: 4, title: "Solid", body: "Does the job." });
  });

  it.each([
    [{ rating: 0 }, "rating"],
    [{ rating: 6 }, "rating"],
    [{ rating: 3.5 }, "rating"],
    [{ title: " \t " }, "title"],
    [{ title: "a".repeat(121) }, "title"],
    [{ body: "" }, "body"],
    [{ body: "b".repeat(5001) }, "body"],
    [{ productId: "" }, "productId"],
  ])("rejects %o with BAD_USER_INPUT on %s", (change, field) => {
    expect(fieldOf({ ...valid, ...change })).toMatchObject({ code: "BAD_USER_INPUT", field });
  });

  it("counts characters, not UTF-16 units: 120 emoji are a valid title", () => {
    expect(validateAddReviewInput({ ...valid, title: "⭐".repeat(60) + "👍".repeat(60) }).title).toHaveLength(180);
    expect(fieldOf({ ...valid, title: "👍".repeat(121) })).toMatchObject({ field: "title" });
  });

  it("accepts the limits", () => {
    expect(() => validateAddReviewInput({ ...valid, rating: 1, title: "t", body: "b".repeat(5000) })).not.toThrow();
    expect(() => validateAddReviewInput({ ...valid, rating: 5, title: "t".repeat(120) })).not.toThrow();
  });
});

describe("loadReviewsSettings", () => {
  it("defaults to the local products and accounts ports", () => {
    expect(loadReviewsSettings({})).toEqual({
      productsUrl: "http://127.0.0.1:4002/graphql",
      accountsUrl: "http://127.0.0.1:4001/graphql",
      upstreamTimeoutMs: 5000,
      signers: { products: undefined, accounts: undefined },
    });
  });

  it("lists every bad setting at once", () => {
    try {
      loadReviewsSettings({ REVIEWS_PRODUCTS_URL: "not a url", REVIEWS_ACCOUNTS_URL: "ftp://x/graphql", REVIEWS_UPSTREAM_TIMEOUT_MS: "0" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/REVIEWS_PRODUCTS_URL/);
      expect(problems).toMatch(/REVIEWS_ACCOUNTS_URL/);
      expect(problems).toMatch(/REVIEWS_UPSTREAM_TIMEOUT_MS/);
    }
  });
});
