import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { identifyCaller, schemaCoordinates } from "../src/usage-report.ts";

const schema = buildSchema(`
  enum Sort { NEWEST CHEAPEST }
  input PriceRange { min: Int max: Int currency: Currency }
  input Filter { text: String price: PriceRange }
  enum Currency { EUR USD }
  type Money { amount: Int formatted: String }
  type Product { id: ID! name: String price: Money description: String }
  type Query { products(first: Int, sort: Sort, filter: Filter): [Product!]! product(id: ID!): Product }
  type Mutation { rename(id: ID!, name: String!): Product }
`);

describe("schema coordinates of an operation", () => {
  it("names the fields, arguments, literal input fields and enum values it uses, and nothing else", () => {
    const document = parse(`
      query Listing { products(first: 5, sort: CHEAPEST, filter: { price: { min: 1, currency: EUR } }) { id name price { formatted } __typename } }
    `);
    expect(schemaCoordinates(schema, document)).toEqual([
      "Currency.EUR",
      "Filter.price",
      "Money.formatted",
      "PriceRange.currency",
      "PriceRange.min",
      "Product.id",
      "Product.name",
      "Product.price",
      "Query.products",
      "Query.products(filter:)",
      "Query.products(first:)",
      "Query.products(sort:)",
      "Sort.CHEAPEST",
    ]);
  });

  it("counts every field of an input type passed as a variable, and follows fragments", () => {
    const document = parse(`
      query Search($filter: Filter) { products(filter: $filter) { ...Card } }
      fragment Card on Product { description }
    `);
    expect(schemaCoordinates(schema, document)).toEqual([
      "Filter.price",
      "Filter.text",
      "PriceRange.currency",
      "PriceRange.max",
      "PriceRange.min",
      "Product.description",
      "Query.products",
      "Query.products(filter:)",
    ]);
  });

  it("leaves out introspection and fields the schema does not have", () => {
    expect(schemaCoordinates(schema, parse(`{ __schema { types { name } } __typename nope }`))).toEqual([]);
    expect(schemaCoordinates(schema, parse(`mutation { rename(id: "1", name: "x") { id } }`))).toEqual([
      "Mutation.rename",
      "Mutation.rename(id:)",
      "Mutation.rename(name:)",
      "Product.id",
    ]);
  });
});

describe("who an operation is reported for", () => {
  const claims = (extra: Record<string, unknown>) => ({ sub: "usr_1", scopes: [], ...extra });
  const base = { trustedDocument: false, claims: null, headerClientName: undefined, clientClaim: "client_id" };

  it("reports nothing for an anonymous caller, whatever it names its operation", () => {
    expect(identifyCaller(base)).toBeUndefined();
    expect(identifyCaller({ ...base, claims: claims({}) })).toBeUndefined();
  });

  it("prefers a trusted document, then a verified token's client claim, then the client's header", () => {
    expect(identifyCaller({ ...base, trustedDocument: true, headerClientName: "web" })).toEqual({
      identifiedBy: "persisted",
      clientName: "web",
    });
    expect(identifyCaller({ ...base, claims: claims({ client_id: "partner" }), headerClientName: "web" })).toEqual({
      identifiedBy: "token",
      clientName: "partner",
    });
    expect(identifyCaller({ ...base, headerClientName: "web" })).toEqual({ identifiedBy: "client-id", clientName: "web" });
    expect(identifyCaller({ ...base, clientClaim: "azp", claims: claims({ azp: "ios" }) })).toEqual({
      identifiedBy: "token",
      clientName: "ios",
    });
  });
});
