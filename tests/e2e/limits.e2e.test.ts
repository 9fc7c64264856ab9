import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { graphql, readCounter, type GraphQLResult } from "../support/graphql.ts";

/**
 * Operation limits and demand control through real HTTP, against the shared stack's router with its
 * default config (limits on, cost enforced at 5000): every rejected operation is answered 400 with a
 * stable code, and no subgraph sees it.
 */
const routerUrl = inject("routerUrl");
const subgraphUrls = inject("subgraphUrls");
const supergraphPath = inject("supergraphPath");
const signingEnv = inject("signingEnv");

/** GraphQL requests all subgraphs have answered so far. */
async function subgraphRequests(): Promise<number> {
  const counts = await Promise.all(Object.values(subgraphUrls).map((url) => readCounter(url, "http_requests_total", { route: "graphql" })));
  return counts.reduce((a, b) => a + b, 0);
}

/** Runs `send` and asserts that no subgraph was asked anything meanwhile. */
async function withoutSubgraphs<T>(send: () => Promise<T>): Promise<T> {
  const before = await subgraphRequests();
  const result = await send();
  expect(await subgraphRequests(), "subgraph requests").toBe(before);
  return result;
}

async function postBatch(url: string, batch: unknown[], headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(batch),
  });
  return { status: response.status, body: (await response.json()) as any };
}

function expectLimit(result: Pick<GraphQLResult, "status" | "errors" | "data">, limit: string, actual: number, maximum: number) {
  expect(result.status).toBe(400);
  expect(result.data).toBeUndefined();
  expect(result.errors).toHaveLength(1);
  expect(result.errors![0]!.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit, actual, maximum });
  expect(result.errors![0]!.message).toMatch(new RegExp(`\\(${actual}\\) is above the maximum of ${maximum}`));
}

const CHEAP = `{ product(sku: "SKU-00001") { name } }`;
const aliasBomb = (n: number) => `{ product(sku: "SKU-00001") { ${Array.from({ length: n }, (_, i) => `a${i}: name`).join(" ")} } }`;
/** 100 products x (shipping estimate 5 + 100 reviews): 1 + 100 x (1 + 1 + 5 + 1 + 100 x 2) = 20801. */
const EXPENSIVE = `{ products(first: 100) { edges { node { name shippingEstimate { formatted } reviews(first: 100) { edges { node { title } } } } } } }`;

describe("operation limits (defaults)", () => {
  it("rejects a deeply nested query, counting depth through fragments", async () => {
    // review > (product > reviews > edges > node) x 6 > id: depth 1 + 24 + 1.
    const hops = 6;
    const query = `{ review(id: "rev_00001") { ${"product { reviews(first: 1) { edges { node { ".repeat(hops)} ...Leaf ${"} } } } ".repeat(hops)} } }
      fragment Leaf on Review { id }`;
    const before = await readCounter(routerUrl, "operation_limit_rejections_total", { limit: "depth" });
    expectLimit(await withoutSubgraphs(() => graphql(routerUrl, query)), "depth", 2 + 4 * hops, 20);
    expect(await readCounter(routerUrl, "operation_limit_rejections_total", { limit: "depth" })).toBe(before + 1);
  });

  it("rejects an alias bomb, counting a fragment's aliases wherever it is spread", async () => {
    expectLimit(await withoutSubgraphs(() => graphql(routerUrl, aliasBomb(200))), "aliases", 200, 30);
    const viaFragment = `{ one: product(sku: "SKU-00001") { ...Names } two: product(sku: "SKU-00002") { ...Names } }
      fragment Names on Product { ${Array.from({ length: 15 }, (_, i) => `n${i}: name`).join(" ")} }`;
    expectLimit(await withoutSubgraphs(() => graphql(routerUrl, viaFragment)), "aliases", 2 + 2 * 15, 30);
  });

  it("rejects too many root fields", async () => {
    const query = `{ ${Array.from({ length: 21 }, (_, i) => `c${i}: categories { slug }`).join(" ")} }`;
    expectLimit(await withoutSubgraphs(() => graphql(routerUrl, query)), "rootFields", 21, 20);
  });

  it("rejects an oversized document, even one that would parse", async () => {
    const query = `{ categories { slug } }\n# ${"x".repeat(70_000)}`;
    expectLimit(await withoutSubgraphs(() => graphql(routerUrl, query)), "documentBytes", Buffer.byteLength(query), 65_536);
  });

  it("stops a token flood in the parser and names the tokens it held", async () => {
    const query = `{ categories { ${"slug ".repeat(6_000)} } }`;
    expectLimit(await withoutSubgraphs(() => graphql(routerUrl, query)), "tokens", 5 + 6_000, 5_000);
  });

  it("still answers operations within the limits, and development introspection (depth 15)", async () => {
    const ok = await graphql(routerUrl, CHEAP);
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ product: { name: expect.any(String) } });
    const introspection = await graphql(
      routerUrl,
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true }),
    );
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data.__schema.queryType.name).toBe("Query");
  });
});

describe("batched operations", () => {
  it("rejects a batch above the maximum before any of it runs", async () => {
    const result = await withoutSubgraphs(() =>
      postBatch(
        routerUrl,
        Array.from({ length: 11 }, () => ({ query: CHEAP })),
      ),
    );
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions).toMatchObject({
      code: "OPERATION_LIMIT_EXCEEDED",
      limit: "batchedOperations",
      actual: 11,
      maximum: 10,
    });
  });

  it("rejects a malformed batch as a whole before any of it runs", async () => {
    const result = await withoutSubgraphs(() => postBatch(routerUrl, [{ query: CHEAP }, 42]));
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  it("checks every operation of a batch on its own: the bomb and the expensive one are refused, the others answered", async () => {
    const before = await subgraphRequests();
    const one = await graphql(routerUrl, CHEAP);
    expect(one.errors).toBeUndefined();
    const perCheapOperation = (await subgraphRequests()) - before;
    expect(perCheapOperation).toBeGreaterThan(0);

    const start = await subgraphRequests();
    const result = await postBatch(routerUrl, [{ query: CHEAP }, { query: aliasBomb(100) }, { query: EXPENSIVE }, { query: CHEAP }]);
    expect(result.status).toBe(400);
    expect(result.body).toHaveLength(4);
    expect(result.body[0]).toEqual({ data: { product: { name: expect.any(String) } } });
    expect(result.body[1].errors[0].extensions).toMatchObject({
      code: "OPERATION_LIMIT_EXCEEDED",
      limit: "aliases",
      actual: 100,
      maximum: 30,
    });
    expect(result.body[2].errors[0].extensions).toMatchObject({ code: "COST_LIMIT_EXCEEDED", estimatedCost: 20_801, maxCost: 5_000 });
    expect(result.body[3]).toEqual(result.body[0]);
    // Only the two cheap operations reached subgraphs.
    expect((await subgraphRequests()) - start).toBe(2 * perCheapOperation);
  });
});

describe("demand control (defaults: enforce, maxCost 5000)", () => {
  it("rejects an expensive query with its estimate, before any subgraph is called", async () => {
    const before = await readCounter(routerUrl, "operation_estimated_cost_count", { result: "over" });
    const result = await withoutSubgraphs(() => graphql(routerUrl, EXPENSIVE));
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors![0]!.extensions).toMatchObject({ code: "COST_LIMIT_EXCEEDED", estimatedCost: 20_801, maxCost: 5_000 });
    expect(result.errors![0]!.message).toBe("The operation's estimated cost (20801) is above the maximum of 5000.");
    expect(await readCounter(routerUrl, "operation_estimated_cost_count", { result: "over" })).toBe(before + 1);
  });

  it("sizes lists from slicing arguments in variables", async () => {
    const query = `query Page($n: Int, $r: Int) { products(first: $n) { edges { node { name reviews(first: $r) { edges { node { title } } } } } } }`;
    const cheap = await graphql(routerUrl, query, { n: 5, r: 2 }, { "graphql-cost": "report" });
    expect(cheap.errors).toBeUndefined();
    expect(cheap.data.products.edges).toHaveLength(5);
    const expensive = await withoutSubgraphs(() => graphql(routerUrl, query, { n: 100, r: 100 }));
    expect(expensive.errors![0]!.extensions).toMatchObject({ code: "COST_LIMIT_EXCEEDED", estimatedCost: 1 + 100 * (1 + 1 + 1 + 100 * 2) });
  });

  it("answers a cheap query and reports its estimate in extensions.cost only when asked", async () => {
    const query = `{ product(sku: "SKU-00001") { name shippingEstimate { formatted } } }`;
    const asked = await fetch(routerUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "graphql-cost": "report" },
      body: JSON.stringify({ query }),
    });
    const body = (await asked.json()) as any;
    expect(asked.status).toBe(200);
    expect(body.data.product.shippingEstimate.formatted).toEqual(expect.any(String));
    // product 1 + shippingEstimate @cost(weight: 5).
    expect(body.extensions).toEqual({ cost: { estimated: 6, max: 5_000, mode: "enforce" } });
    const unasked = (await (
      await fetch(routerUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })
    ).json()) as any;
    expect(unasked.extensions).toBeUndefined();
  });
});

describe("a production router configured otherwise (measure mode, tighter limits, no batching)", () => {
  let router: Router;
  let url: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "limits-e2e-"));
    const configPath = path.join(dir, "router.yaml");
    writeFileSync(configPath, "limits:\n  maxDepth: 4\n  maxBatchedOperations: 0\ndemandControl:\n  mode: measure\n  maxCost: 100\n");
    router = createRouter(
      loadRouterConfig({
        env: { NODE_ENV: "production", ADMIN_PORT: "0", LOG_LEVEL: "silent", ...signingEnv },
        flags: { config: configPath, supergraph: supergraphPath, port: "0" },
      }),
    );
    url = `${(await router.start()).url}/graphql`;
  });
  afterAll(() => router?.stop());

  it("serves an operation above maxCost in measure mode and reports what it would have cost", async () => {
    const raw = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "graphql-cost": "REPORT" },
      body: JSON.stringify({ query: `{ products(first: 60) { edges { node { name } } } }` }),
    });
    const body = (await raw.json()) as any;
    expect(body.data.products.edges).toHaveLength(60);
    expect(body.extensions.cost).toEqual({ estimated: 1 + 60 * 2, max: 100, mode: "measure" });
  });

  it("applies its own limits and refuses batches", async () => {
    const deep = await graphql(
      url,
      `
        {
          products(first: 1) {
            edges {
              node {
                category {
                  name
                }
              }
            }
          }
        }
      `,
    );
    expectLimit(deep, "depth", 5, 4);
    // Production masks unexpected errors only: the limit's details stay, with no stack trace.
    expect(deep.errors![0]!.extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", limit: "depth", actual: 5, maximum: 4 });
    const batch = await postBatch(url, [{ query: CHEAP }]);
    expect(batch.status).toBe(400);
    expect(batch.body.errors[0].extensions.code).toBe("BAD_REQUEST");
  });
});

describe("a batch against the rate limit", () => {
  let router: Router;
  let url: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "limits-e2e-"));
    const configPath = path.join(dir, "router.yaml");
    writeFileSync(configPath, "rateLimit:\n  enabled: true\n  default: { requests: 3, windowSeconds: 60 }\n");
    router = createRouter(
      loadRouterConfig({
        env: { LOG_LEVEL: "silent", ...signingEnv },
        flags: { config: configPath, supergraph: supergraphPath, port: "0" },
      }),
    );
    url = `${(await router.start()).url}/graphql`;
  });
  afterAll(() => router?.stop());

  it("spends one request of the budget per batched operation, so a batch cannot multiply it", async () => {
    const result = await postBatch(
      url,
      Array.from({ length: 5 }, () => ({ query: CHEAP })),
    );
    expect(result.status).toBe(429);
    const codes = result.body.map((entry: any) => entry.errors?.[0]?.extensions?.code ?? "ok");
    expect(codes.filter((code: string) => code === "ok")).toHaveLength(3);
    expect(codes.filter((code: string) => code === "RATE_LIMITED")).toHaveLength(2);
    expect((await graphql(url, CHEAP)).errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
  });
});
