import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { diffSchemas, usageMatches } from "../src/schema-diff.ts";

const base = `
  type Query {
    product(sku: String!): Product
    products(filter: ProductFilter, first: Int = 20): [Product!]!
    search(text: String): [SearchResult!]!
  }
  type Mutation { rate(productId: ID!, stars: Stars!): Product }
  type Product { id: ID! sku: String! name: String! price: Int! legacyCode: String status: Status! }
  type Category { id: ID! name: String! }
  union SearchResult = Product | Category
  input ProductFilter { text: String categorySlug: String sort: Sort }
  enum Sort { NAME PRICE NEWEST }
  enum Stars { ONE TWO THREE }
  enum Status { ACTIVE RETIRED }
`;

function diff(from: string, to: string) {
  return diffSchemas(buildSchema(from), buildSchema(to));
}

function only(from: string, to: string) {
  const changes = diff(from, to);
  expect(changes).toHaveLength(1);
  return changes[0]!;
}

describe("schema diff", () => {
  it("finds nothing between identical schemas", () => {
    expect(diff(base, base)).toEqual([]);
  });

  it("reports a removed field as breaking for operations using that field", () => {
    const change = only(base, base.replace("legacyCode: String ", ""));
    expect(change).toMatchObject({
      code: "FIELD_REMOVED",
      criticality: "breaking",
      coordinate: "Product.legacyCode",
      usage: ["Product.legacyCode"],
    });
  });

  it("reports an added field as safe", () => {
    expect(only(base, base.replace("legacyCode: String", "legacyCode: String color: String"))).toMatchObject({
      code: "FIELD_ADDED",
      criticality: "safe",
    });
  });

  it("treats output nullability loosening as breaking and tightening as safe", () => {
    expect(only(base, base.replace("price: Int!", "price: Int"))).toMatchObject({
      code: "FIELD_TYPE_CHANGED",
      criticality: "breaking",
      coordinate: "Product.price",
    });
    expect(only(base, base.replace("legacyCode: String", "legacyCode: String!"))).toMatchObject({
      code: "FIELD_TYPE_CHANGED",
      criticality: "safe",
    });
  });

  it("treats argument nullability tightening as breaking and loosening as safe", () => {
    const tightened = only(base, base.replace("search(text: String)", "search(text: String!)"));
    expect(tightened).toMatchObject({
      code: "ARG_TYPE_CHANGED",
      criticality: "breaking",
      coordinate: "Query.search(text:)",
      usage: ["Query.search(text:)"],
    });
    expect(tightened.message).toMatch(/nullability tightened/);
    expect(only(base, base.replace("product(sku: String!)", "product(sku: String)"))).toMatchObject({
      code: "ARG_TYPE_CHANGED",
      criticality: "safe",
    });
  });

  it("reports a retyped field and a removed argument", () => {
    expect(only(base, base.replace("price: Int!", "price: String!"))).toMatchObject({
      code: "FIELD_TYPE_CHANGED",
      criticality: "breaking",
    });
    expect(only(base, base.replace("search(text: String)", "search"))).toMatchObject({
      code: "ARG_REMOVED",
      criticality: "breaking",
      usage: ["Query.search(text:)"],
    });
  });

  it("reports a new required argument against every use of the field, an optional one as safe", () => {
    expect(only(base, base.replace("search(text: String)", "search(text: String, locale: String!)"))).toMatchObject({
      code: "REQUIRED_ARG_ADDED",
      criticality: "breaking",
      usage: ["Query.search"],
    });
    expect(only(base, base.replace("search(text: String)", "search(text: String, locale: String)"))).toMatchObject({
      code: "ARG_ADDED",
      criticality: "safe",
    });
  });

  it("reports a default value change as dangerous", () => {
    expect(only(base, base.replace("first: Int = 20", "first: Int = 50"))).toMatchObject({
      code: "ARG_DEFAULT_CHANGED",
      criticality: "dangerous",
      message: expect.stringMatching(/20 to 50/),
    });
  });

  it("treats a removed enum value used as input as breaking, an output-only one as safe", () => {
    expect(only(base, base.replace("enum Stars { ONE TWO THREE }", "enum Stars { ONE TWO }"))).toMatchObject({
      code: "ENUM_VALUE_REMOVED",
      criticality: "breaking",
      coordinate: "Stars.THREE",
      usage: ["Stars.THREE"],
    });
    // Sort is only reachable through an input object, which still makes it an input.
    expect(only(base, base.replace("enum Sort { NAME PRICE NEWEST }", "enum Sort { NAME PRICE }"))).toMatchObject({
      criticality: "breaking",
      coordinate: "Sort.NEWEST",
    });
    expect(only(base, base.replace("enum Status { ACTIVE RETIRED }", "enum Status { ACTIVE }"))).toMatchObject({
      code: "ENUM_VALUE_REMOVED",
      criticality: "safe",
    });
  });

  it("treats an enum value added to an output enum as dangerous", () => {
    expect(only(base, base.replace("enum Status { ACTIVE RETIRED }", "enum Status { ACTIVE RETIRED DRAFT }"))).toMatchObject({
      code: "ENUM_VALUE_ADDED",
      criticality: "dangerous",
    });
  });

  it("handles input objects: removed and required fields break, optional ones are safe", () => {
    expect(only(base, base.replace("categorySlug: String ", ""))).toMatchObject({
      code: "INPUT_FIELD_REMOVED",
      criticality: "breaking",
      usage: ["ProductFilter.categorySlug"],
    });
    const required = only(base, base.replace("sort: Sort }", "sort: Sort locale: String! }"));
    expect(required).toMatchObject({ code: "REQUIRED_INPUT_FIELD_ADDED", criticality: "breaking" });
    expect(required.usage).toEqual(expect.arrayContaining(["ProductFilter.", "Query.products(filter:)"]));
    expect(only(base, base.replace("sort: Sort }", "sort: Sort locale: String }"))).toMatchObject({
      code: "INPUT_FIELD_ADDED",
      criticality: "safe",
    });
  });

  it("reports a removed union member against the fields returning the union", () => {
    expect(only(base, base.replace("union SearchResult = Product | Category", "union SearchResult = Product"))).toMatchObject({
      code: "UNION_MEMBER_REMOVED",
      criticality: "breaking",
      usage: ["Query.search"],
    });
  });

  it("reports a removed type against its fields and everything that returns it", () => {
    const changes = diff(base, base.replace("type Category { id: ID! name: String! }", "").replace("Product | Category", "Product"));
    const removed = changes.find((c) => c.code === "TYPE_REMOVED")!;
    expect(removed.coordinate).toBe("Category");
    expect(usageMatches(removed.usage, "Category.name")).toBe(true);
    expect(usageMatches(removed.usage, "Product.name")).toBe(false);
  });

  it("matches usage exactly or by a type prefix", () => {
    expect(usageMatches(["Product.price"], "Product.price")).toBe(true);
    expect(usageMatches(["Product.price"], "Product.priceCents")).toBe(false);
    expect(usageMatches(["Product."], "Product.reviews(first:)")).toBe(true);
  });
});
