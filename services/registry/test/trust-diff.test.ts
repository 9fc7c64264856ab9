import { describe, expect, it } from "vitest";
import { composeSubgraphs } from "@store/composition";
import { ownershipTransfers } from "../src/ownership.ts";
import { securityChanges } from "../src/security-diff.ts";

/** What the checks read from two composed supergraphs: fields moving between subgraphs, security loosened. */

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key", "@shareable", "@override", "@authenticated", "@requiresScopes", "@policy", "@inaccessible"])';

function supergraph(subgraphs: Record<string, string>): string {
  const composed = composeSubgraphs(
    Object.entries(subgraphs).map(([name, sdl]) => ({ name, url: `http://127.0.0.1/${name}`, sdl: `${LINK}\n${sdl}` })),
  );
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  return composed.supergraphSdl;
}

const users = `type Query { me: User } type User @key(fields: "id") { id: ID! email: String @requiresScopes(scopes: [["profile:read"]]) }`;

describe("ownership transfers", () => {
  it("names fields taken by @override and leaves key fields and new fields alone", () => {
    const before = supergraph({ accounts: users, reviews: `type User @key(fields: "id") { id: ID! reviewCount: Int }` });
    const after = supergraph({
      accounts: users,
      reviews: `type User @key(fields: "id") { id: ID! reviewCount: Int email: String @override(from: "accounts") nickname: String }`,
    });
    expect(ownershipTransfers(before, after, "reviews")).toEqual([
      { coordinate: "User.email", kind: "override", to: "reviews", from: ["accounts"] },
    ]);
    expect(ownershipTransfers(before, after, "accounts")).toEqual([]);
  });

  it("counts moving a progressive override to a full one as another transfer", () => {
    const base = { accounts: users };
    const progressive = supergraph({
      ...base,
      reviews: `type User @key(fields: "id") { id: ID! email: String @override(from: "accounts", label: "percent(10)") }`,
    });
    const full = supergraph({ ...base, reviews: `type User @key(fields: "id") { id: ID! email: String @override(from: "accounts") }` });
    expect(ownershipTransfers(progressive, full, "reviews")).toMatchObject([
      { coordinate: "User.email", kind: "override", from: ["accounts"] },
    ]);
    expect(ownershipTransfers(progressive, progressive, "reviews")).toEqual([]);
  });
});

describe("security changes", () => {
  it("flags broader scopes and fewer policies, not stricter ones", () => {
    const before = supergraph({
      accounts: `type Query { me: User @policy(policies: [["self"]]) } type User { id: ID! email: String @requiresScopes(scopes: [["profile:read", "email"]]) }`,
    });
    const broader = supergraph({
      accounts: `type Query { me: User } type User { id: ID! email: String @requiresScopes(scopes: [["profile:read"]]) }`,
    });
    const stricter = supergraph({
      accounts: `type Query { me: User @policy(policies: [["self", "mfa"]]) } type User { id: ID! email: String @requiresScopes(scopes: [["profile:read", "email", "admin"]]) }`,
    });
    expect(securityChanges(before, broader).map((c) => [c.code, c.coordinate, c.subgraphs])).toEqual([
      ["POLICY_REMOVED", "Query.me", ["accounts"]],
      ["REQUIRES_SCOPES_WEAKENED", "User.email", ["accounts"]],
    ]);
    expect(securityChanges(before, stricter)).toEqual([]);
  });

  it("reports a type that existed unreachable and is now reachable, and @inaccessible removed", () => {
    const before = supergraph({
      accounts: `type Query { me: User } type User { id: ID! secret: String @inaccessible } type AuditLog { id: ID! actor: String }`,
    });
    const after = supergraph({
      accounts: `type Query { me: User audit: [AuditLog!]! } type User { id: ID! secret: String } type AuditLog { id: ID! actor: String }`,
    });
    expect(securityChanges(before, after).map((c) => [c.code, c.coordinate])).toEqual([
      ["TYPE_NEWLY_REACHABLE", "AuditLog"],
      ["INACCESSIBLE_REMOVED", "User.secret"],
    ]);
  });
});
