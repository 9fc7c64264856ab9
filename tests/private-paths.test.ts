/** The schema walk behind private-paths.e2e.test.ts, on small schemas: what it finds, the operations it writes, how it reads answers. */
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { findPrivatePaths, operationFor, privateUserFields, valuesAtEnd, withoutAuthorizationDirectives } from "./support/private-paths.ts";

const schema = buildSchema(`
  type Query { me: User, feed(first: Int!): [FeedItem!]!, order(id: ID!): Order, public: Public }
  union FeedItem = Post | Order
  type Post { author: User! }
  type User { id: ID!, name: String!, email: String, orders: [Order!] }
  type Order { id: ID!, user: User! }
  type Public { name: String }
`);

describe("findPrivatePaths", () => {
  const paths = findPrivatePaths(schema, new Set(["email", "orders"]));

  it("finds paths to Order and to private User fields, through unions, stopping at an Order and at a type seen before", () => {
    expect(paths.map((p) => p.name)).toEqual([
      "Query.me > User.email",
      "Query.me > User.orders",
      "Query.feed",
      "Query.feed > Post.author > User.email",
      "Query.feed > Post.author > User.orders",
      "Query.order",
    ]);
  });

  it("writes an operation that names each owner, with inline fragments for union members", () => {
    const path = paths.find((p) => p.name === "Query.feed > Post.author > User.email")!;
    expect(operationFor(schema, path, { first: 3 }, {})).toEqual({
      query: "query PrivatePath($first: Int!) { feed(first: $first) { ... on Post { author { id email } } } }",
      variables: { first: 3 },
    });
    expect(
      operationFor(
        schema,
        paths.find((p) => p.name === "Query.order")!,
        { id: "o1" },
        {},
      ).query,
    ).toBe("query PrivatePath($id: ID!) { order(id: $id) { id user { id } } }");
    expect(
      operationFor(
        schema,
        paths.find((p) => p.name === "Query.feed")!,
        { first: 3 },
        {},
      ).query,
    ).toBe("query PrivatePath($first: Int!) { feed(first: $first) { ... on Order { id user { id } } } }");
  });

  it("refuses a fixture without the root field's required arguments, or with arguments it does not have", () => {
    const path = paths.find((p) => p.name === "Query.order")!;
    expect(() => operationFor(schema, path, {}, {})).toThrow(/needs the argument\(s\) id/);
    expect(() => operationFor(schema, path, { id: "o1", nope: 1 }, {})).toThrow(/does not have: nope/);
  });

  it("reads every value at the end of a path with the user it belongs to, across lists and nulls", () => {
    const path = paths.find((p) => p.name === "Query.feed > Post.author > User.email")!;
    const data = { feed: [{ author: { id: "u1", email: "a@x" } }, {}, { author: { id: "u2", email: null } }] };
    expect(valuesAtEnd(data, path)).toEqual([
      { owner: "u1", value: "a@x" },
      { owner: "u2", value: null },
    ]);
    const order = paths.find((p) => p.name === "Query.order")!;
    expect(valuesAtEnd({ order: { id: "o1", user: { id: "u1" } } }, order)).toEqual([
      { owner: "u1", value: { id: "o1", user: { id: "u1" } } },
    ]);
    expect(valuesAtEnd({ order: null }, order)).toEqual([]);
    const feed = paths.find((p) => p.name === "Query.feed")!;
    expect(valuesAtEnd({ feed: [{}, { id: "o2", user: { id: "u2" } }] }, feed)).toEqual([
      { owner: "u2", value: { id: "o2", user: { id: "u2" } } },
    ]);
  });
});

describe("authorization directives in a supergraph", () => {
  const sdl = `type User { id: ID!, email: String @policy(policies: [["self"]]), orders: [String] @authenticated, name: String }`;

  it("marks the User fields they protect as private, united with the fields always private", () => {
    expect([...privateUserFields(sdl, ["roles"])].sort()).toEqual(["email", "orders", "roles"]);
  });

  it("are removed for the bare router, the rest kept", () => {
    const bare = withoutAuthorizationDirectives(sdl);
    expect(bare).not.toMatch(/@policy|@authenticated/);
    expect(bare).toMatch(/email: String/);
    expect([...privateUserFields(bare, [])]).toEqual([]);
  });
});
