import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../src/config.ts";
import { CONSOLE_CSP } from "../src/console.ts";
import { TEST_TOKENS, startTestRegistry, type TestRegistry } from "../src/testing.ts";
import { checkAnswersAgainstContract } from "./support/api-contract.ts";

/** The console's pages and the read endpoints behind them, on a real registry (PGlite). */

checkAnswersAgainstContract();

let registry: TestRegistry;
let productsSdl: string;
let ordersSdl: string;

async function api(method: "GET" | "POST", route: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${registry.url}${route}`, {
    method,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text.startsWith("{") ? JSON.parse(text) : undefined };
}

const withoutDescription = () => {
  const sdl = productsSdl.replace(/^\s*description: String!\n/m, "\n");
  expect(sdl).not.toBe(productsSdl);
  return sdl;
};

beforeAll(async () => {
  registry = await startTestRegistry();
  const read = (name: string) => readFile(path.join(repoRoot, "subgraphs", name, "schema.graphql"), "utf8");
  [productsSdl, ordersSdl] = await Promise.all([read("products"), read("orders")]);
});

afterAll(async () => {
  await registry?.stop();
});

describe("the console's pages", () => {
  it("serves its page and assets without a token, under a strict content security policy", async () => {
    const page = await fetch(`${registry.url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).not.toContain("unsafe");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const response = await fetch(`${registry.url}/${asset}`, { headers: { "accept-encoding": "gzip" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toContain("immutable");
      expect((await response.text()).length).toBeGreaterThan(100);
    }
    const slashed = await fetch(`${registry.url}/console/`, { redirect: "manual" });
    expect(slashed.status).toBe(308);
    expect(new URL(slashed.headers.get("location")!, `${registry.url}/console/`).pathname).toBe("/console");
    const post = await fetch(`${registry.url}/console`, { method: "POST" });
    expect(post.status).toBe(400);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const missing = await fetch(`${registry.url}/console/assets/nothing.js`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("NOT_FOUND");
  });

  it("reads need a token; a viewer token reads everything and publishes nothing", async () => {
    expect((await api("GET", "/v1/graph/fields", undefined)).body.error.code).toBe("UNAUTHENTICATED");
    const list = await api("GET", "/v1/subgraphs", TEST_TOKENS.viewer);
    expect(list.status).toBe(200);
    expect(list.body.subgraphs.map((s: { name: string }) => s.name)).toContain("products");
    const publish = await api("POST", "/v1/subgraphs/products/publish", TEST_TOKENS.viewer, { sdl: productsSdl });
    expect(publish.status).toBe(403);
    expect(publish.body.error.message).toMatch(/Viewer tokens cannot publish/);
    const report = await api("POST", "/v1/routers/report", TEST_TOKENS.viewer, {
      replicaId: "x",
      supergraphVersion: 1,
      supergraphHash: null,
      subgraphs: [],
    });
    expect(report.status).toBe(403);
  });
});

describe("checks, diffs and usage", () => {
  const hour = new Date(Date.now() - 3_600_000).toISOString();

  beforeAll(async () => {
    // The web shop's product page reads Product.description; another operation does not.
    const reports = [
      {
        operationName: "ProductPage",
        clientName: "web-shop",
        identifiedBy: "token",
        clientVersion: "2.1.0",
        count: 7,
        timestamp: hour,
        coordinates: ["Query.product", "Product.name", "Product.description"],
      },
      {
        operationName: "ProductList",
        clientName: "mobile-app",
        identifiedBy: "token",
        count: 3,
        timestamp: hour,
        coordinates: ["Query.products", "Product.name"],
      },
    ];
    expect((await api("POST", "/v1/usage", TEST_TOKENS.router, { reports })).status).toBe(202);
  });

  it("keeps each check with the operations and clients its breaking change would hit", async () => {
    const check = await api("POST", "/v1/subgraphs/products/check", TEST_TOKENS.catalog, { sdl: withoutDescription() });
    expect(check.status).toBe(200);
    expect(check.body.check.ok).toBe(false);
    const { checks } = (await api("GET", "/v1/checks?limit=5", TEST_TOKENS.viewer)).body;
    expect(checks[0]).toMatchObject({ subgraph: "products", requestedBy: "catalog", ok: false });
    const removed = checks[0].report.changes.find((c: { coordinate: string }) => c.coordinate === "Product.description");
    expect(removed).toMatchObject({ criticality: "breaking", blocking: true });
    expect(removed.affectedOperations).toEqual([
      expect.objectContaining({ operationName: "ProductPage", clientName: "web-shop", clientVersion: "2.1.0", count: 7 }),
    ]);
    expect((await api("GET", "/v1/checks?subgraph=orders", TEST_TOKENS.viewer)).body.checks).toEqual([]);
  });

  it("shows what a published version changed, security-relevant changes marked", async () => {
    // Orders drops @authenticated from one field: a security change (approved by both teams first).
    const loosened = ordersSdl.replace(/order\(id: ID!\): Order @authenticated /, "order(id: ID!): Order ");
    expect(loosened).not.toBe(ordersSdl);
    for (const token of [TEST_TOKENS.security]) {
      expect((await api("POST", "/v1/subgraphs/orders/approvals", token, { sdl: loosened })).status).toBe(201);
    }
    const published = await api("POST", "/v1/subgraphs/orders/publish", TEST_TOKENS.checkout, { sdl: loosened, author: "console test" });
    expect(published.status).toBe(201);
    const version = published.body.supergraphVersion;
    const { changes } = (await api("GET", `/v1/supergraph/versions/${version}/changes`, TEST_TOKENS.viewer)).body;
    expect(changes).toMatchObject({ version, previous: version - 1, subgraphName: "orders" });
    expect(changes.securityChanges).toEqual([expect.objectContaining({ code: "AUTHENTICATED_REMOVED", coordinate: "Query.order" })]);
    const first = (await api("GET", "/v1/supergraph/versions/1/changes", TEST_TOKENS.viewer)).body.changes;
    expect(first).toMatchObject({ previous: null, changes: [], securityChanges: [] });
    expect((await api("GET", "/v1/supergraph/versions/999/changes", TEST_TOKENS.viewer)).body.error.code).toBe("NOT_FOUND");

    const history = (await api("GET", "/v1/graph/policy-history", TEST_TOKENS.viewer)).body.changes;
    expect(history[0]).toMatchObject({ version, coordinate: "Query.order", subgraphName: "orders" });
    expect(history[0].before.authenticated).toBe(true);
    expect(history[0].after).toMatchObject({ authenticated: false, requiresScopes: [["orders:read"], ["admin"]] });
  });

  it("sums usage per operation (not per field) and lists the fields nothing used", async () => {
    const { usage } = (await api("GET", "/v1/usage/summary?windowHours=24", TEST_TOKENS.viewer)).body;
    expect(usage.clients).toEqual(["mobile-app", "web-shop"]);
    expect(usage.operations).toEqual([
      { operationName: "ProductPage", clientName: "web-shop", count: 7 },
      { operationName: "ProductList", clientName: "mobile-app", count: 3 },
    ]);
    expect(usage.fields[0]).toEqual({ coordinate: "Product.name", count: 10 });
    expect(usage.unusedFields).toContain("Product.price");
    expect(usage.unusedFields).not.toContain("Product.name");
    expect(usage.hourly).toEqual([
      { hour: expect.any(String), clientName: "mobile-app", count: 3 },
      { hour: expect.any(String), clientName: "web-shop", count: 7 },
    ]);
    const one = (await api("GET", "/v1/usage/summary?windowHours=24&client=mobile-app", TEST_TOKENS.viewer)).body.usage;
    expect(one.operations).toEqual([{ operationName: "ProductList", clientName: "mobile-app", count: 3 }]);
    expect(one.clients).toEqual(["mobile-app", "web-shop"]);
    const tooLong = await api("GET", "/v1/usage/summary?windowHours=100000", TEST_TOKENS.viewer);
    expect(tooLong.body.error.code).toBe("BAD_USER_INPUT");
  });

  it("lists every field with its subgraphs, owner team, access rules and usage", async () => {
    const { graph } = (await api("GET", "/v1/graph/fields?windowHours=24", TEST_TOKENS.viewer)).body;
    const field = (coordinate: string) => graph.fields.find((f: { coordinate: string }) => f.coordinate === coordinate);
    expect(field("Product.name")).toMatchObject({ subgraphs: ["products"], teams: ["catalog"], usage: 10, returnType: "String!" });
    expect(field("Product.shippingEstimate")).toMatchObject({ subgraphs: ["inventory"], teams: ["logistics"], policy: { cost: 5 } });
    expect(field("Query.order").policy).toEqual({
      authenticated: false,
      requiresScopes: [["orders:read"], ["admin"]],
      policy: null,
      cost: null,
    });
  });

  it("shows which supergraph each router replica serves and how it saw the subgraphs", async () => {
    const body = {
      replicaId: "router-a",
      supergraphVersion: 2,
      supergraphHash: "abc",
      subgraphs: [{ name: "products", healthy: false, checkedAt: new Date().toISOString() }],
    };
    expect((await api("POST", "/v1/routers/report", TEST_TOKENS.router, body)).status).toBe(200);
    expect((await api("POST", "/v1/routers/report", TEST_TOKENS.router, { ...body, supergraphVersion: 3 })).status).toBe(200);
    const { routers } = (await api("GET", "/v1/routers", TEST_TOKENS.viewer)).body;
    expect(routers).toEqual([
      expect.objectContaining({
        replicaId: "router-a",
        supergraphVersion: 3,
        subgraphs: [expect.objectContaining({ name: "products", healthy: false })],
      }),
    ]);
  });
});
