import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { generateStore } from "@store/seed-data";
import { tokenHeader } from "../support/auth.ts";
import { graphql, readCounter } from "../support/graphql.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { TEST_JWT_SECRET } from "../support/test-stack.ts";

/**
 * The entity cache through real HTTP: routers with `entityCache` on, over the shared stack's
 * subgraphs, compared with the shared (uncached) router. Hints come from the subgraphs' @cacheControl.
 */
const supergraphPath = inject("supergraphPath");
const signingEnv = inject("signingEnv");
const uncachedUrl = inject("routerUrl");
const REDIS_URL = inject("redisUrl");
const store = generateStore();
const dir = mkdtempSync(path.join(os.tmpdir(), "entity-cache-e2e-"));

async function startRouter(name: string, entityCache: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify({ entityCache: { enabled: true, ...entityCache } }));
  const config = loadRouterConfig({
    env: { LOG_LEVEL: "silent", AUTH_JWT_SECRET: TEST_JWT_SECRET, ...signingEnv, ...env },
    flags: { supergraph: supergraphPath, port: "0", config: file },
  });
  const router = createRouter(config);
  const running = await router.start();
  return { router, url: `http://127.0.0.1:${running.port}/graphql` };
}

const subgraphFetches = (url: string, subgraph?: string) =>
  readCounter(url, "subgraph_fetch_duration_seconds_count", subgraph ? { subgraph } : {});

const PRODUCT_PAGE = `query ProductPage($id: ID!) {
  product(id: $id) { id name price { formatted } inStock totalStock averageRating reviewCount }
}`;
const SEARCH = `query Search($first: Int!) { products(first: $first) { edges { node { id name totalStock averageRating } } } }`;
const STOCK = `query Stock($id: ID!) { product(id: $id) { totalStock } }`;

describe("entity cache in memory", () => {
  let router: Router;
  let url: string;
  beforeAll(async () => {
    ({ router, url } = await startRouter("memory", {}));
  });
  afterAll(() => router?.stop());

  it("answers a repeated product page from the cache, with what the uncached router answers", async () => {
    const id = store.products[600]!.id;
    const first = await graphql(url, PRODUCT_PAGE, { id });
    expect(first.errors).toBeUndefined();
    const before = await subgraphFetches(url);
    const second = await graphql(url, PRODUCT_PAGE, { id });
    expect(second.data).toEqual(first.data);
    // Root field (products), stock (inventory) and rating (reviews): every fetch was a hit.
    expect(await subgraphFetches(url)).toBe(before);
    expect(second.data).toEqual((await graphql(uncachedUrl, PRODUCT_PAGE, { id })).data);
    expect(await readCounter(url, "entity_cache_fetches_total", { result: "hit" })).toBeGreaterThanOrEqual(3);
  });

  it("sends only the misses of a partly cached entity fetch, and merges them in order", async () => {
    await graphql(url, SEARCH, { first: 5 });
    const partialBefore = await readCounter(url, "entity_cache_fetches_total", { subgraph: "inventory", result: "partial" });
    const hitsBefore = await readCounter(url, "entity_cache_entities_total", { subgraph: "inventory", type: "Product", result: "hit" });
    const missesBefore = await readCounter(url, "entity_cache_entities_total", { subgraph: "inventory", type: "Product", result: "miss" });
    // A new search shape (first: 10) misses the root cache; its first five products are cached entities.
    const cached = await graphql(url, SEARCH, { first: 10 });
    expect(await readCounter(url, "entity_cache_fetches_total", { subgraph: "inventory", result: "partial" })).toBe(partialBefore + 1);
    expect(await readCounter(url, "entity_cache_entities_total", { subgraph: "inventory", type: "Product", result: "hit" })).toBe(
      hitsBefore + 5,
    );
    expect(await readCounter(url, "entity_cache_entities_total", { subgraph: "inventory", type: "Product", result: "miss" })).toBe(
      missesBefore + 5,
    );
    expect(cached.data).toEqual((await graphql(uncachedUrl, SEARCH, { first: 10 })).data);
  });

  it("never gives one user another's cached private data, at the root or through entity references", async () => {
    const review = store.reviews.find((r) => store.users.find((u) => u.id === r.authorId && !u.roles.includes("admin")))!;
    const author = store.users.find((u) => u.id === review.authorId)!;
    const other = store.users.find((u) => u.id !== author.id && !u.roles.includes("admin") && !u.roles.includes("staff"))!;
    const asAuthor = await tokenHeader(author);
    const asOther = await tokenHeader(other);
    const ME = `{ me { id username email } }`;
    const AUTHOR = `query ($id: ID!) { review(id: $id) { id author { id username email } } }`;
    for (const [query, variables] of [
      [ME, undefined],
      [AUTHOR, { id: review.id }],
    ] as const) {
      const authorFirst = await graphql(url, query, variables, asAuthor);
      const authorAgain = await graphql(url, query, variables, asAuthor);
      const otherAfter = await graphql(url, query, variables, asOther);
      const anonymous = await graphql(url, query, variables);
      expect(authorAgain.data).toEqual(authorFirst.data);
      // Each answer is what the uncached router gives that same caller.
      expect(authorFirst.data).toEqual((await graphql(uncachedUrl, query, variables, asAuthor)).data);
      expect(otherAfter.data).toEqual((await graphql(uncachedUrl, query, variables, asOther)).data);
      expect(anonymous.data).toEqual((await graphql(uncachedUrl, query, variables)).data);
      expect(JSON.stringify(otherAfter.data)).not.toContain(author.email);
      expect(JSON.stringify(anonymous.data)).not.toContain(author.email);
    }
  });

  it("after placing an order returns, no reader sees the products' old stock (concurrent readers)", async () => {
    const buyer = store.users[40]!;
    const asBuyer = await tokenHeader(buyer);
    let product: { id: string; stock: number } | undefined;
    for (const candidate of store.products.slice(700, 760)) {
      const stock = (await graphql(url, STOCK, { id: candidate.id })).data.product.totalStock;
      if (stock >= 2) {
        product = { id: candidate.id, stock };
        break;
      }
    }
    expect(product).toBeDefined();
    const { id, stock } = product!;
    let mutationReturnedAt = Infinity;
    let reading = true;
    const reads: Array<{ startedAt: number; stock: number }> = [];
    const reader = async () => {
      while (reading) {
        const startedAt = performance.now();
        const result = await graphql(url, STOCK, { id });
        reads.push({ startedAt, stock: result.data.product.totalStock });
      }
    };
    const readers = Array.from({ length: 6 }, reader);
    let placed;
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      placed = await graphql(
        url,
        `
          mutation ($input: PlaceOrderInput!, $key: String!) {
            placeOrder(input: $input, idempotencyKey: $key) {
              id
            }
          }
        `,
        { input: { lines: [{ productId: id, quantity: 1 }] }, key: randomUUID() },
        asBuyer,
      );
      mutationReturnedAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      reading = false;
      await Promise.all(readers);
    }
    expect(placed.errors).toBeUndefined();
    const before = reads.filter((read) => read.startedAt < mutationReturnedAt);
    const after = reads.filter((read) => read.startedAt > mutationReturnedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after.map((read) => read.stock))).toEqual(new Set([stock - 1]));
    expect(await readCounter(url, "entity_cache_invalidations_total", { subgraph: "orders", type: "Product" })).toBeGreaterThanOrEqual(1);
  });

  it("adding a review invalidates the product's rating and review count", async () => {
    const product = store.products[950]!;
    const author = store.users[60]!;
    const RATING = `query ($id: ID!) { product(id: $id) { reviewCount averageRating } }`;
    const before = (await graphql(url, RATING, { id: product.id })).data.product;
    const added = await graphql(
      url,
      `
        mutation ($input: AddReviewInput!) {
          addReview(input: $input) {
            id
          }
        }
      `,
      { input: { productId: product.id, rating: 1, title: "Cache test", body: "Checks the rating is not served stale." } },
      await tokenHeader(author),
    );
    expect(added.errors).toBeUndefined();
    const after = (await graphql(url, RATING, { id: product.id })).data.product;
    expect(after.reviewCount).toBe(before.reviewCount + 1);
    expect(after).toEqual((await graphql(uncachedUrl, RATING, { id: product.id })).data.product);
  });
});

describe("entity cache on Redis", () => {
  let proxy: TcpProxy;
  const routers: Router[] = [];
  const urls: string[] = [];
  const keyPrefix = `e2e-entity-cache:${process.pid}:${Date.now()}`;
  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const proxied = `redis://127.0.0.1:${proxy.port}`;
    for (const name of ["redis-a", "redis-b"]) {
      const started = await startRouter(
        name,
        { backend: "redis", redis: { keyPrefix, commandTimeoutMs: 2000 } },
        { ENTITY_CACHE_REDIS_URL: proxied },
      );
      routers.push(started.router);
      urls.push(started.url);
    }
  });
  afterAll(async () => {
    await Promise.all(routers.map((router) => router.stop()));
    await proxy?.close();
  });

  it("replicas share one cache", async () => {
    const id = store.products[610]!.id;
    await graphql(urls[0]!, PRODUCT_PAGE, { id });
    const before = await subgraphFetches(urls[1]!);
    const fromB = await graphql(urls[1]!, PRODUCT_PAGE, { id });
    expect(await subgraphFetches(urls[1]!)).toBe(before);
    expect(fromB.data).toEqual((await graphql(uncachedUrl, PRODUCT_PAGE, { id })).data);
  });

  it("a Redis outage degrades to no cache (answers stay right, a metric says so) and recovers by itself", async () => {
    const [url] = urls as [string];
    const id = store.products[620]!.id;
    const expected = (await graphql(uncachedUrl, PRODUCT_PAGE, { id })).data;
    await graphql(url, PRODUCT_PAGE, { id });
    await proxy.cut();
    const errorsBefore = await readCounter(url, "entity_cache_store_errors_total");
    const fetchesBefore = await subgraphFetches(url);
    const during = await graphql(url, PRODUCT_PAGE, { id });
    expect(during.status).toBe(200);
    expect(during.data).toEqual(expected);
    expect(await subgraphFetches(url)).toBeGreaterThan(fetchesBefore);
    expect(await readCounter(url, "entity_cache_store_errors_total")).toBeGreaterThan(errorsBefore);
    expect(await readCounter(url, "entity_cache_store_up")).toBe(0);
    await proxy.restore();
    const deadline = Date.now() + 15_000;
    while ((await readCounter(url, "entity_cache_store_up")) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await readCounter(url, "entity_cache_store_up")).toBe(1);
    await graphql(url, PRODUCT_PAGE, { id });
    const afterRecovery = await subgraphFetches(url);
    expect((await graphql(url, PRODUCT_PAGE, { id })).data).toEqual(expected);
    expect(await subgraphFetches(url)).toBe(afterRecovery);
  });
});
