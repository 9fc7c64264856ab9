import { beforeAll, describe, expect, it } from "vitest";
import { composeStoreSupergraph } from "@store/composition";
import { createLogger } from "@store/service-kit";
import type { RouterContext } from "../../../src/context.ts";
import { entityCacheCall } from "../../../src/features/entity-cache/cache-call.ts";
import { CacheHints } from "../../../src/features/entity-cache/hints.ts";
import { createEntityCacheMetrics } from "../../../src/features/entity-cache/metrics.ts";
import { memoryStore } from "../../../src/features/entity-cache/store.ts";
import type { SubgraphCall } from "../../../src/subgraph-call/call.ts";

/** The wrapper on the store's own supergraph hints, in front of a stand-in inventory that records what it was asked. */
const STOCK_QUERY = `query($representations:[_Any!]!){_entities(representations:$representations){...on Product{totalStock}}}`;
const STAFF_QUERY = `query($representations:[_Any!]!){_entities(representations:$representations){...on Product{stock{quantity}}}}`;

let sdl: string;
beforeAll(async () => {
  ({ sdl } = await composeStoreSupergraph());
});

function setup(options: { privateData?: "per-viewer" | "off" } = {}) {
  const hints = new CacheHints(sdl, { defaultMaxAgeSeconds: 0, overrides: {} });
  const asked: Array<Array<Record<string, unknown>>> = [];
  let answer = (representations: Array<Record<string, unknown>>, _context: RouterContext | undefined): unknown[] =>
    representations.map((r) => ({ __typename: "Product", totalStock: Number(String(r.id).slice(4)) }));
  const store = memoryStore({ maxEntities: 1000, graceMs: 60_000 });
  const wrapper = entityCacheCall({
    store,
    hints: () => hints,
    privateData: options.privateData ?? "per-viewer",
    rootFields: true,
    metrics: createEntityCacheMetrics(),
    logger: createLogger("test", "silent"),
  });
  const handler = wrapper(
    async (call: SubgraphCall) => {
      const representations = call.options.request.variables!.representations as Array<Record<string, unknown>>;
      // What is sent is the narrowed request: body and request agree.
      expect(JSON.parse(call.body).variables.representations).toEqual(representations);
      asked.push(representations);
      return { data: { _entities: answer(representations, call.context) } };
    },
    { name: "inventory", url: "" },
  );
  const fetch = (ids: string[], query = STOCK_QUERY, caller: RouterContext["caller"] = null) => {
    const variables = { representations: ids.map((id) => ({ __typename: "Product", id })) };
    return handler({
      options: { request: { query, variables } } as never,
      context: { caller } as RouterContext,
      headers: {},
      body: JSON.stringify({ query, variables }),
    });
  };
  return {
    asked,
    fetch,
    store,
    setAnswer: (next: typeof answer) => (answer = next),
  };
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `prd_${String(from + i).padStart(4, "0")}`);

describe("entity cache wrapper", () => {
  it("sends only the 10 misses of 100 representations and merges the answers in order", async () => {
    const { asked, fetch } = setup();
    await fetch(ids(0, 90));
    const response = await fetch(ids(0, 100));
    expect(asked[1]).toEqual(ids(90, 100).map((id) => ({ __typename: "Product", id })));
    expect((response.data as { _entities: unknown[] })._entities).toEqual(
      ids(0, 100).map((id) => ({ __typename: "Product", totalStock: Number(id.slice(4)) })),
    );
  });

  it("answers a fetch whose entities are all cached without calling the subgraph", async () => {
    const { asked, fetch } = setup();
    await fetch(ids(0, 3));
    await fetch(ids(0, 3));
    expect(asked).toHaveLength(1);
  });

  it("passes a null entity on in its place and does not store it", async () => {
    const { asked, fetch, setAnswer } = setup();
    await fetch(ids(0, 2));
    setAnswer((representations) => representations.map(() => null as never));
    const response = await fetch(ids(0, 3));
    expect(asked[1]).toEqual([{ __typename: "Product", id: "prd_0002" }]);
    expect((response.data as { _entities: unknown[] })._entities).toEqual([
      { __typename: "Product", totalStock: 0 },
      { __typename: "Product", totalStock: 1 },
      null,
    ]);
    await fetch(ids(0, 3));
    expect(asked[2]).toEqual([{ __typename: "Product", id: "prd_0002" }]);
  });

  it("keeps data under an authorization directive per viewer, and never caches it for anonymous callers", async () => {
    const { asked, fetch, setAnswer } = setup();
    setAnswer((representations, context) =>
      representations.map(() => ({ __typename: "Product", stock: [{ quantity: context?.caller?.id === "usr_a" ? 1 : 2 }] })),
    );
    const a = { id: "usr_a", scopes: ["inventory:read"], roles: ["staff"] };
    const b = { id: "usr_b", scopes: ["inventory:read"], roles: ["staff"] };
    const first = await fetch(ids(0, 1), STAFF_QUERY, a);
    const forB = await fetch(ids(0, 1), STAFF_QUERY, b);
    expect(first.data).toEqual({ _entities: [{ __typename: "Product", stock: [{ quantity: 1 }] }] });
    expect(forB.data).toEqual({ _entities: [{ __typename: "Product", stock: [{ quantity: 2 }] }] });
    await fetch(ids(0, 1), STAFF_QUERY, a);
    expect(asked).toHaveLength(2);
    await fetch(ids(0, 1), STAFF_QUERY, null);
    await fetch(ids(0, 1), STAFF_QUERY, null);
    expect(asked).toHaveLength(4);
  });

  it("caches private data not at all with privateData off", async () => {
    const { asked, fetch } = setup({ privateData: "off" });
    const a = { id: "usr_a", scopes: ["inventory:read"], roles: ["staff"] };
    await fetch(ids(0, 1), STAFF_QUERY, a);
    await fetch(ids(0, 1), STAFF_QUERY, a);
    expect(asked).toHaveLength(2);
  });
});

describe("memory store", () => {
  it("drops a write from a fetch that looked up before an invalidation (the old answer never comes back)", async () => {
    const store = memoryStore({ maxEntities: 10, graceMs: 60_000 });
    const ref = { record: 'Product:[["id","prd_0000"]]', shape: "s" };
    const seen = await store.lookup([ref]);
    await store.invalidate([ref.record]);
    await store.write([{ ...ref, value: "old", ttlMs: 60_000, version: seen.versions[0]! }]);
    expect((await store.lookup([ref])).values).toEqual([undefined]);
    const fresh = await store.lookup([ref]);
    await store.write([{ ...ref, value: "new", ttlMs: 60_000, version: fresh.versions[0]! }]);
    expect((await store.lookup([ref])).values).toEqual(["new"]);
  });
});

describe("cache hints from the store's supergraph", () => {
  it("takes the most restrictive maxAge of the type and the selected fields, and marks authorized data private", () => {
    const hints = new CacheHints(sdl, { defaultMaxAgeSeconds: 0, overrides: {} });
    expect(hints.policyOf(STOCK_QUERY).entities?.get("Product")).toEqual({ maxAgeMs: 60_000, private: false });
    expect(hints.policyOf(STAFF_QUERY).entities?.get("Product")?.private).toBe(true);
    expect(hints.policyOf(`{ me { id username } }`).root).toEqual({ maxAgeMs: 60_000, private: true });
    expect(hints.policyOf(`query { product(id: "prd_0001") { name } }`).root).toEqual({ maxAgeMs: 300_000, private: false });
  });

  it("lets config override a hint, and caches nothing for types without one", () => {
    const hints = new CacheHints(sdl, { defaultMaxAgeSeconds: 0, overrides: { "Product.totalStock": { maxAgeSeconds: 5 } } });
    expect(hints.policyOf(STOCK_QUERY).entities?.get("Product")?.maxAgeMs).toBe(5_000);
    expect(hints.policyOf(`query { warehouses { id } }`).root?.maxAgeMs).toBe(0);
    expect(hints.policyOf(`mutation { addReview(input: {}) { id } }`)).toEqual({});
  });
});
