import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TEST_TOKENS, startTestRegistry, type TestRegistry } from "@store/registry/testing";
import { freePort, startServiceProcess, waitUntilReady, type ServiceProcess } from "@store/stack";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { bearer, mintToken } from "../support/auth.ts";
import { graphql } from "../support/graphql.ts";
import { TEST_JWT_SECRET, repoRoot } from "../support/test-stack.ts";

/**
 * Usage reaches the registry only for callers the router can identify, through real HTTP all the
 * way: the stack's subgraphs, a router on a fresh registry, the registry's check. 300 anonymous
 * operations with made-up names, and a made-up client name, must not make a field "used"; a trusted
 * document, a verified token's client and a registered client name do. Products runs as a process
 * of its own here, so the 300 made-up names do not fill the operation labels of the shared stack's
 * products (which its metrics test reads).
 */

const subgraphUrls = inject("subgraphUrls");
const signingEnv = inject("signingEnv");
const manifestPath = path.join(repoRoot, "router", "explorer", "persisted-operations.json");
const productPage = (JSON.parse(readFileSync(manifestPath, "utf8")) as { operations: Array<{ id: string; name: string }> }).operations.find(
  (op) => op.name === "ProductPage",
)!;
const productsSdl = readFileSync(path.join(repoRoot, "subgraphs", "products", "schema.graphql"), "utf8");

let registry: TestRegistry;
let router: Router;
let routerUrl: string;
let products: ServiceProcess;

/** The products schema without these fields (`Type.field`), each with its one-line description. */
function productsWithout(coordinates: string[]): string {
  let sdl = productsSdl;
  for (const coordinate of coordinates) {
    const [type, field] = coordinate.split(".") as [string, string];
    const start = sdl.search(new RegExp(`\\ntype ${type}\\b`));
    const end = sdl.indexOf("\n}", start);
    const body = sdl.slice(start, end).replace(new RegExp(`(\\n\\s*"[^"\\n]*")?\\n\\s*${field}(\\(|:)[^\\n]+`), "");
    expect(start >= 0 && body.length < end - start, coordinate).toBe(true);
    sdl = sdl.slice(0, start) + body + sdl.slice(end);
  }
  return sdl;
}

/** A seeded products subgraph on a throwaway database, signed like the stack's. */
async function startOwnProducts(): Promise<string> {
  const port = await freePort();
  products = startServiceProcess({
    name: "products",
    entry: path.join(repoRoot, "subgraphs", "products", "src", "main.ts"),
    cwd: repoRoot,
    env: {
      ...process.env,
      ...signingEnv,
      LOG_LEVEL: "warn",
      PORT: String(port),
      PRODUCTS_DATABASE_URL: "memory://",
      MIGRATE_ON_START: "true",
      SEED_ON_START: "true",
    },
    logs: { kind: "directory", dir: path.join(repoRoot, "test-results", "logs") },
  });
  await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, products, 120_000);
  return `http://127.0.0.1:${port}/graphql`;
}

beforeAll(async () => {
  registry = await startTestRegistry();
  const productsUrl = await startOwnProducts();
  const dir = mkdtempSync(path.join(os.tmpdir(), "registry-usage-e2e-"));
  const config = path.join(dir, "router.json");
  writeFileSync(
    config,
    JSON.stringify({
      supergraph: {
        registry: {
          url: registry.url,
          pollTimeoutSeconds: 5,
          cacheFile: path.join(dir, "supergraph.graphql"),
          usage: { flushIntervalMs: 300 },
        },
      },
      persistedOperations: { mode: "log", manifest: manifestPath },
    }),
  );
  const urls = Object.fromEntries(
    Object.entries({ ...subgraphUrls, products: productsUrl }).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]),
  );
  router = createRouter(
    loadRouterConfig({
      env: {
        LOG_LEVEL: "silent",
        NODE_ENV: "development",
        ROUTER_REGISTRY_TOKEN: TEST_TOKENS.router,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        ...urls,
        ...signingEnv,
      },
      flags: { port: "0", config },
    }),
  );
  const running = await router.start();
  routerUrl = `http://127.0.0.1:${running.port}/graphql`;
});

afterAll(async () => {
  await router?.stop();
  await registry?.stop();
  await products?.stop();
});

type Affected = Record<string, Array<{ operationName: string; clientName: string }>>;

/** The operations a check removing these fields names per field, once `ready` holds (usage arrives in batches). */
async function affectedBy(fields: string[], ready: (affected: Affected) => boolean): Promise<Affected> {
  const sdl = productsWithout(fields);
  let affected: Affected = {};
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const response = await fetch(`${registry.url}/v1/subgraphs/products/check`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKENS.catalog}`, "content-type": "application/json" },
      body: JSON.stringify({ sdl }),
    });
    const { check } = (await response.json()) as {
      check: {
        composition: { ok: boolean; errors: unknown[] };
        changes: Array<{ coordinate: string; affectedOperations: Affected[string] }>;
      };
    };
    expect(check.composition.ok, JSON.stringify(check.composition.errors)).toBe(true);
    affected = Object.fromEntries(fields.map((f) => [f, check.changes.find((c) => c.coordinate === f)?.affectedOperations ?? []]));
    if (ready(affected)) return affected;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return affected;
}

describe("usage the router reports to the registry", () => {
  it("counts trusted documents, verified token clients and registered client names, never anonymous made-up operations", async () => {
    // 300 anonymous operations, each with its own made-up name, and a client name nobody registered.
    for (let start = 0; start < 300; start += 20) {
      const batch = Array.from({ length: 20 }, (_, i) =>
        graphql(routerUrl, `query Spam${start + i} { products(first: 1) { edges { node { id createdAt } } } }`),
      );
      for (const answer of await Promise.all(batch)) expect(answer.errors).toBeUndefined();
    }
    const madeUp = await graphql(routerUrl, "query MadeUp { products(first: 1) { edges { node { id createdAt } } } }", undefined, {
      "apollographql-client-name": "made-up-client",
    });
    expect(madeUp.errors).toBeUndefined();

    // The identified ones: a manifest document by id (no client header), a token naming its client, a registered client.
    const persisted = await fetch(routerUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ variables: { sku: "SKU-00001" }, extensions: { persistedQuery: { version: 1, sha256Hash: productPage.id } } }),
    });
    expect(((await persisted.json()) as { errors?: unknown }).errors).toBeUndefined();
    const partner = bearer(await mintToken({ sub: "usr_0001", client_id: "partner-app" }));
    const byToken = await graphql(routerUrl, "query PartnerCategories { categories { slug productCount } }", undefined, partner);
    expect(byToken.errors).toBeUndefined();
    const web = await graphql(routerUrl, "query WebShelves { categories { products(first: 1) { totalCount } } }", undefined, {
      "apollographql-client-name": "web",
    });
    expect(web.errors).toBeUndefined();

    const fields = ["Product.createdAt", "Product.description", "Category.productCount", "Category.products"];
    const affected = await affectedBy(fields, (a) => fields.slice(1).every((f) => a[f]!.length > 0));
    const named = (field: string) => affected[field]!.map((o) => `${o.operationName} (${o.clientName})`);
    // Sent before the identified ones, so flushed no later: none of them counted.
    expect(named("Product.createdAt")).toEqual([]);
    expect(named("Product.description")).toEqual(["ProductPage ((trusted documents))"]);
    expect(named("Category.productCount")).toEqual(["PartnerCategories (partner-app)"]);
    expect(named("Category.products")).toEqual(["WebShelves (web)"]);
  });
});
