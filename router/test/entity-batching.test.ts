import { describe, expect, it } from "vitest";
import { EntityBatcher, mergeableFetches, type EntityResponse } from "../src/execution/entity-batching.ts";
import type { FetchNode, PlanNode } from "@apollo/query-planner";

const product = (upc: string) => ({ __typename: "Product", upc });
/** A group of three fetch nodes: two joining wait for the end of the turn. */
const group = (key: string) => ({ key, size: 3 });
const keyOf = (r: Record<string, unknown>) => JSON.stringify(r);

/** A subgraph answering every representation with its entity, except upc "bad": null and an error there. */
function answering(calls: Array<Record<string, unknown>[]>) {
  return async (representations: Record<string, unknown>[]): Promise<EntityResponse> => {
    calls.push(representations);
    const errors = representations.flatMap((r, i) =>
      r.upc === "bad" ? [{ message: "no such product", path: ["_entities", i, "name"] }] : [],
    );
    return {
      data: { _entities: representations.map((r) => (r.upc === "bad" ? null : { name: `Product ${r.upc}` })) },
      ...(errors.length && { errors }),
    };
  };
}

describe("entity fetches sharing a request", () => {
  it("sends identical fetches made in the same turn as one request with the union of their representations", async () => {
    const calls: Array<Record<string, unknown>[]> = [];
    const send = answering(calls);
    const batcher = new EntityBatcher();
    const first = [product("1"), product("2")];
    const second = [product("2"), product("3")];
    const [a, b] = await Promise.all([
      batcher.request(group("k"), first, first.map(keyOf), send),
      batcher.request(group("k"), second, second.map(keyOf), send),
    ]);
    expect(calls).toEqual([[product("1"), product("2"), product("3")]]);
    expect(a).toEqual({ data: { _entities: [{ name: "Product 1" }, { name: "Product 2" }] } });
    expect(b).toEqual({ data: { _entities: [{ name: "Product 2" }, { name: "Product 3" }] } });
  });

  it("gives each fetch the errors about its own entities, at its own indexes", async () => {
    const batcher = new EntityBatcher();
    const send = answering([]);
    const first = [product("1")];
    const second = [product("2"), product("bad")];
    const [a, b] = await Promise.all([
      batcher.request(group("k"), first, first.map(keyOf), send),
      batcher.request(group("k"), second, second.map(keyOf), send),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toEqual([{ message: "no such product", path: ["_entities", 1, "name"] }]);
    expect(b.data).toEqual({ _entities: [{ name: "Product 2" }, null] });
  });

  it("keeps different keys apart, and fails every fetch of a batch whose request failed", async () => {
    const calls: Array<Record<string, unknown>[]> = [];
    const batcher = new EntityBatcher();
    const one = [product("1")];
    const results = await Promise.allSettled([
      batcher.request(group("a"), one, one.map(keyOf), answering(calls)),
      batcher.request(group("b"), one, one.map(keyOf), async () => Promise.reject(new Error("down"))),
      batcher.request(group("b"), [product("2")], [keyOf(product("2"))], async () => Promise.reject(new Error("down"))),
    ]);
    expect(calls).toHaveLength(1);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected"]);
  });
});

describe("which fetches may share a request", () => {
  const entityFetch = (id: string, service: string, selection: string, extra: Partial<FetchNode> = {}): FetchNode => ({
    kind: "Fetch",
    id,
    serviceName: service,
    operationName: `Q__${service}__${id}`,
    operation: `query Q__${service}__${id}($representations:[_Any!]!){_entities(representations:$representations){...on Product{${selection}}}}`,
    operationKind: "query" as never,
    requires: [
      {
        kind: "InlineFragment",
        typeCondition: "Product",
        selections: [
          { kind: "Field", name: "__typename" },
          { kind: "Field", name: "upc" },
        ],
      },
    ],
    ...extra,
  });
  const flatten = (path: string, node: FetchNode): PlanNode => ({ kind: "Flatten", path: path.split("."), node });

  it("pairs the same entity fetch at two places, and leaves one-offs, root fetches and rewrites alone", () => {
    const a = entityFetch("1", "inventory", "inStock");
    const b = entityFetch("2", "inventory", "inStock");
    const other = entityFetch("3", "inventory", "shipping");
    const rewritten = entityFetch("4", "inventory", "inStock", { outputRewrites: [{ kind: "KeyRenamer", path: ["x"], renameKeyTo: "y" }] });
    const root: FetchNode = {
      kind: "Fetch",
      serviceName: "products",
      operationName: undefined,
      operation: "{ products { upc } }",
      operationKind: "query" as never,
    };
    const merged = mergeableFetches({
      kind: "Sequence",
      nodes: [
        root,
        {
          kind: "Parallel",
          nodes: [flatten("products.@", a), flatten("products.@.related.@", b), flatten("products.@", other), flatten("x.@", rewritten)],
        },
      ],
    });
    expect([...merged.keys()]).toEqual([a, b]);
    expect(merged.get(a)).toBe(merged.get(b));
    expect(merged.get(a)).toMatchObject({ size: 2 });
  });

  it("sends a batch at once when every fetch of its group has joined", async () => {
    const calls: Array<Record<string, unknown>[]> = [];
    const batcher = new EntityBatcher();
    const both = { key: "k", size: 2 };
    const first = batcher.request(both, [product("1")], [keyOf(product("1"))], answering(calls));
    expect(calls).toHaveLength(0);
    const second = batcher.request(both, [product("2")], [keyOf(product("2"))], answering(calls));
    // Sent synchronously with the second join, not at the end of the turn.
    expect(calls).toEqual([[product("1"), product("2")]]);
    await Promise.all([first, second]);
  });
});
