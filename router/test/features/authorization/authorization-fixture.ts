import { buildSchema } from "graphql";
import type { Caller } from "@store/wire";

/** A small graph with every shape the analysis must handle: fragments, interfaces, unions, lists, type-level directives. */
export const AUTHZ_SDL = `
directive @link(url: String!, as: String, import: [String], for: link__Purpose) repeatable on SCHEMA
enum link__Purpose { SECURITY EXECUTION }
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @inaccessible on FIELD_DEFINITION

schema
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
{ query: Query mutation: Mutation }

type Query {
  me: User
  user(id: ID!): User
  users: [User!]!
  search(text: String!): [SearchResult!]!
  node(id: ID!): Node
  products: [Product!]!
}

interface Node { id: ID! }

type User implements Node {
  id: ID!
  name: String!
  email: String @authenticated @policy(policies: [["self_or_admin"]])
  secret: String! @requiresScopes(scopes: [["admin"]])
}

type Product implements Node {
  id: ID!
  name: String!
  stock: [Stock!]
}

type Stock @requiresScopes(scopes: [["inventory:read"], ["admin"]]) {
  quantity: Int!
}

union SearchResult = User | Product

type Mutation {
  placeOrder(userId: ID!): Boolean! @authenticated @requiresScopes(scopes: [["orders:write"]]) @policy(policies: [["caller_is_buyer"]])
}
`;

export const authzSchema = buildSchema(AUTHZ_SDL);

export const customer = (id = "usr_0001"): Caller => ({
  id,
  scopes: ["orders:read", "orders:write", "reviews:write", "profile:read"],
  roles: ["customer"],
});
/** A store's staff member, as accounts' login makes one (staff role, no admin). */
export const staff = (id = "usr_0003"): Caller => ({ id, scopes: ["orders:read", "inventory:read", "staff"], roles: ["staff"] });
export const admin = (id = "usr_0002"): Caller => ({
  id,
  scopes: ["orders:read", "orders:write", "reviews:write", "profile:read", "inventory:read", "inventory:write", "admin"],
  roles: ["admin"],
});
