import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { generateStore } from "@store/seed-data";
import { tokenHeader } from "../support/auth.ts";
import { TEST_JWT_SECRET, repoRoot } from "../support/test-stack.ts";

/**
 * HTTP caching of persisted queries: GET with the manifest id, Cache-Control from the fields'
 * @cacheControl hints, ETag and 304. The manifest is the explorer's (router/explorer/persisted-operations.json).
 */
const supergraphPath = inject("supergraphPath");
const signingEnv = inject("signingEnv");
const manifestPath = path.join(repoRoot, "router", "explorer", "persisted-operations.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { operations: { id: string; name: string }[] };
const idOf = (name: string) => manifest.operations.find((op) => op.name === name)!.id;
const store = generateStore();

let router: Router;
let url: string;
beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "http-cache-e2e-")), "router.yaml");
  writeFileSync(file, JSON.stringify({ httpCache: { enabled: true }, persistedOperations: { mode: "log", manifest: manifestPath } }));
  router = createRouter(
    loadRouterConfig({
      env: { LOG_LEVEL: "silent", AUTH_JWT_SECRET: TEST_JWT_SECRET, ...signingEnv },
      flags: { supergraph: supergraphPath, port: "0", config: file },
    }),
  );
  const running = await router.start();
  url = `http://127.0.0.1:${running.port}/graphql`;
});
afterAll(() => router?.stop());

function get(name: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const search = new URLSearchParams({
    extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: idOf(name) } }),
    variables: JSON.stringify(variables),
  });
  return fetch(`${url}?${search}`, { headers: { "apollo-require-preflight": "true", ...headers } });
}

describe("HTTP caching of persisted queries", () => {
  it("gives the product page a public Cache-Control with the smallest maxAge of its fields, and an ETag", async () => {
    const response = await get("ProductPage", { sku: store.products[5]!.sku });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    // Product 300 s, Category 600 s, totalStock and inStock 60 s, averageRating 120 s: 60 wins.
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    expect(response.headers.get("etag")).toMatch(/^W\/".+"$/);
  });

  it("answers 304 without a body when If-None-Match holds the current ETag", async () => {
    const variables = { sku: store.products[6]!.sku };
    const first = await get("ProductPage", variables);
    const etag = first.headers.get("etag")!;
    const again = await get("ProductPage", variables, { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const other = await get("ProductPage", { sku: store.products[7]!.sku }, { "if-none-match": etag });
    expect(other.status).toBe(200);
  });

  it("never marks a signed-in caller's response or private data public", async () => {
    const staff = store.users.find((u) => u.roles.includes("staff"))!;
    const asStaff = await tokenHeader(staff);
    const stock = await get("StockLevels", { sku: store.products[5]!.sku }, asStaff);
    expect(stock.status).toBe(200);
    // warehouses has no hint: the whole response may not be cached.
    expect(stock.headers.get("cache-control")).toBe("no-store");
    const page = await get("ProductPage", { sku: store.products[5]!.sku }, asStaff);
    expect(page.headers.get("cache-control")).toBe("private, max-age=60");
  });

  it("does not let a response with errors be cached", async () => {
    const response = await get("Review", {});
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
