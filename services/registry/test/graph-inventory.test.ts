import { readFileSync } from "node:fs";
import path from "node:path";
import { composeSubgraphs } from "@store/composition";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/config.ts";
import { graphInventory, policyChanges } from "../src/graph-inventory.ts";

/** The console's field inventory, read from supergraphs composed from the repository's subgraphs. */

const names = ["accounts", "products", "inventory", "reviews", "orders"];
const sdlOf = (name: string) => readFileSync(path.join(repoRoot, "subgraphs", name, "schema.graphql"), "utf8");

function supergraph(replace: Record<string, (sdl: string) => string> = {}): string {
  const composed = composeSubgraphs(
    names.map((name) => ({ name, url: `http://${name}.invalid/graphql`, sdl: (replace[name] ?? ((s) => s))(sdlOf(name)) })),
  );
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  return composed.supergraphSdl;
}

const current = supergraph();
const field = (coordinate: string, sdl = current) => graphInventory(sdl).find((f) => f.coordinate === coordinate);

describe("graph inventory", () => {
  it("names the subgraphs that serve each field: its own join, else every subgraph of its type", () => {
    expect(field("Product.shippingEstimate")).toMatchObject({ subgraphs: ["inventory"], returnType: "Money!" });
    expect(field("Product.name")?.subgraphs).toEqual(["products"]);
    expect(field("Query.order")?.subgraphs).toEqual(["orders"]);
  });

  it("reads access and cost rules of the field itself", () => {
    expect(field("Query.order")?.policy).toEqual({
      authenticated: true,
      requiresScopes: [["orders:read"], ["admin"]],
      policy: null,
      cost: null,
    });
    expect(field("Mutation.placeOrder")?.policy).toMatchObject({ authenticated: true, requiresScopes: [["orders:write"]], cost: 10 });
    expect(field("Product.shippingEstimate")?.policy.cost).toBe(5);
    expect(field("Product.name")?.policy).toEqual({ authenticated: false, requiresScopes: null, policy: null, cost: null });
  });

  it("leaves out fields clients cannot see and federation's own types", () => {
    const coordinates = graphInventory(current).map((f) => f.coordinate);
    expect(coordinates.some((c) => c.startsWith("join__") || c.startsWith("link__") || c.startsWith("_"))).toBe(false);
    expect(coordinates).toContain("Query.products");
  });

  it("reports a rule removed between two supergraphs, and nothing when none changed", () => {
    const loosened = supergraph({ orders: (sdl) => sdl.replace(/order\(id: ID!\): Order @authenticated /, "order(id: ID!): Order ") });
    expect(loosened).not.toBe(current);
    expect(policyChanges(current, current)).toEqual([]);
    const changes = policyChanges(current, loosened);
    expect(changes).toEqual([
      {
        coordinate: "Query.order",
        before: { authenticated: true, requiresScopes: [["orders:read"], ["admin"]], policy: null, cost: null },
        after: { authenticated: false, requiresScopes: [["orders:read"], ["admin"]], policy: null, cost: null },
      },
    ]);
  });
});
