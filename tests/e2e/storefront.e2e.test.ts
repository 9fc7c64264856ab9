import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CombinedGraphQLErrors } from "@apollo/client";
import { DEMO_PASSWORD, DEMO_USERNAME } from "@store/seed-data";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import {
  CheckoutDocument,
  LoginDocument,
  OrderHistoryDocument,
  ProductPageDocument,
  ProductSearchDocument,
  StockLevelsDocument,
  createStorefrontClient,
  manifestPath,
  readManifest,
  type ProductSearchQuery,
  type StorefrontClient,
} from "@store/storefront";

/**
 * The storefront example (examples/storefront) as a frontend runs it: Apollo Client with the
 * codegen-typed operations against the stack's router, and by manifest id through a router that
 * runs trusted documents only.
 */
const routerUrl = inject("routerUrl");
const supergraphPath = inject("supergraphPath");
const signingEnv = inject("signingEnv");

async function signedIn(url = routerUrl, options: Parameters<typeof createStorefrontClient>[0] = { url }): Promise<StorefrontClient> {
  const client = createStorefrontClient(options);
  const { data } = await client.apollo.mutate({ mutation: LoginDocument, variables: { username: DEMO_USERNAME, password: DEMO_PASSWORD } });
  expect(data?.login.user.username).toBe(DEMO_USERNAME);
  client.setToken(data!.login.token);
  return client;
}

const codesOf = (error: unknown) => (CombinedGraphQLErrors.is(error) ? error.errors.map((e) => e.extensions?.code) : [String(error)]);

describe("the storefront against the router", () => {
  let client: StorefrontClient;
  beforeAll(async () => {
    client = await signedIn();
  });

  it("pages the product search into one cached list (relay-style type policy)", async () => {
    const search = client.apollo.watchQuery({ query: ProductSearchDocument, variables: { first: 4 } });
    const pages: ProductSearchQuery[] = [];
    const subscription = search.subscribe((result) => {
      if (result.dataState === "complete") pages.push(result.data);
    });
    try {
      await expect.poll(() => pages.length).toBe(1);
      const first = pages[0]!.products;
      expect(first.edges).toHaveLength(4);
      expect(first.pageInfo.hasNextPage).toBe(true);

      await search.fetchMore({ variables: { after: first.pageInfo.endCursor } });
      await expect.poll(() => pages.at(-1)!.products.edges.length).toBe(8);
      const merged = pages.at(-1)!.products;
      const ids = merged.edges.map((edge) => edge.node.id);
      expect(new Set(ids).size).toBe(8);
      expect(ids.slice(0, 4)).toEqual(first.edges.map((edge) => edge.node.id));
      expect(merged.totalCount).toBe(first.totalCount);
      expect(merged.pageInfo.endCursor).not.toBe(first.pageInfo.endCursor);
    } finally {
      subscription.unsubscribe();
    }
  });

  it("normalizes entities: the product page fills in the product the search already cached", async () => {
    const { data: found } = await client.apollo.query({ query: ProductSearchDocument, variables: { first: 1, filter: { text: "a" } } });
    const card = found!.products.edges[0]!.node;
    const { data } = await client.apollo.query({ query: ProductPageDocument, variables: { sku: card.sku, reviewCount: 2 } });
    expect(data!.product).toMatchObject({ id: card.id, sku: card.sku, name: card.name });
    expect(data!.product!.reviews.edges.length).toBeLessThanOrEqual(2);
    for (const { node } of data!.product!.reviews.edges) expect(node.rating).toBeGreaterThanOrEqual(1);

    const entity = (client.apollo.cache.extract() as Record<string, object>)[
      client.apollo.cache.identify({ __typename: "Product", id: card.id })!
    ];
    expect(entity).toMatchObject({ sku: card.sku, name: card.name, description: data!.product!.description });
  });

  it("checks out idempotently: a retry with the same key returns the same order, listed once in the history", async () => {
    const { data: page } = await client.apollo.query({ query: ProductPageDocument, variables: { sku: "SKU-00042" } });
    expect(page!.product!.inStock).toBe(true);
    const productId = page!.product!.id;
    const before = await client.apollo.query({ query: OrderHistoryDocument, variables: { first: 50 }, fetchPolicy: "network-only" });
    const idempotencyKey = `storefront-e2e-${Date.now().toString(36)}`;
    const variables = { input: { lines: [{ productId, quantity: 1 }] }, idempotencyKey };

    const placed = await client.apollo.mutate({ mutation: CheckoutDocument, variables });
    const retried = await client.apollo.mutate({ mutation: CheckoutDocument, variables });
    expect(retried.data!.placeOrder.id).toBe(placed.data!.placeOrder.id);
    expect(placed.data!.placeOrder.lines).toEqual([
      expect.objectContaining({ quantity: 1, product: expect.objectContaining({ id: productId }) }),
    ]);

    const after = await client.apollo.query({ query: OrderHistoryDocument, variables: { first: 50 }, fetchPolicy: "network-only" });
    expect(after.data!.me!.orders!.totalCount).toBe(before.data!.me!.orders!.totalCount + 1);
    const listed = after.data!.me!.orders!.edges.filter((edge) => edge.node.id === placed.data!.placeOrder.id);
    expect(listed).toHaveLength(1);
  });

  it("refuses checkout without a sign-in with UNAUTHENTICATED", async () => {
    const anonymous = createStorefrontClient({ url: routerUrl });
    const attempt = anonymous.apollo.mutate({
      mutation: CheckoutDocument,
      variables: { input: { lines: [{ productId: "prd_0001", quantity: 1 }] }, idempotencyKey: "storefront-anonymous-0001" },
    });
    await expect(attempt.catch(codesOf)).resolves.toEqual(["UNAUTHENTICATED"]);
  });

  it('keeps the product and the FORBIDDEN error on its nullable stock field with errorPolicy "all"', async () => {
    const variables = { sku: "SKU-00042" };
    const kept = await client.apollo.query({ query: StockLevelsDocument, variables, errorPolicy: "all", fetchPolicy: "network-only" });
    expect(kept.data!.product).toMatchObject({ name: expect.any(String), stock: null });
    expect(CombinedGraphQLErrors.is(kept.error)).toBe(true);
    const [error] = (kept.error as CombinedGraphQLErrors).errors;
    expect(error).toMatchObject({ path: ["product", "stock"], extensions: { code: "FORBIDDEN" } });

    // The default policy ("none") throws the error away with the data: the page would show nothing.
    const strict = client.apollo.query({ query: StockLevelsDocument, variables, fetchPolicy: "network-only" });
    await expect(strict.catch(codesOf)).resolves.toEqual(["FORBIDDEN"]);
  });
});

describe("the storefront through a router that runs only its manifest", () => {
  let router: Router;
  let url: string;
  beforeAll(async () => {
    const config = path.join(mkdtempSync(path.join(os.tmpdir(), "storefront-e2e-")), "router.yaml");
    writeFileSync(config, JSON.stringify({ persistedOperations: { mode: "reject", manifest: manifestPath.pathname } }));
    router = createRouter(
      loadRouterConfig({ env: { LOG_LEVEL: "silent", ...signingEnv }, flags: { supergraph: supergraphPath, port: "0", config } }),
    );
    url = `http://127.0.0.1:${(await router.start()).port}/graphql`;
  });
  afterAll(() => router?.stop());

  it("signs in and runs the product page by id, sending no document", async () => {
    const manifest = readManifest();
    const sent: unknown[] = [];
    const client = await signedIn(url, {
      url,
      manifest,
      fetch: (input, init) => {
        sent.push(JSON.parse(String(init?.body)));
        return fetch(input, init);
      },
    });
    const { data } = await client.apollo.query({ query: ProductPageDocument, variables: { sku: "SKU-00042" } });
    expect(data!.product!.sku).toBe("SKU-00042");
    const idOf = (name: string) => manifest.operations.find((operation) => operation.name === name)!.id;
    const [loginId, productPageId] = [idOf("Login"), idOf("ProductPage")];
    expect(sent).toEqual([
      expect.objectContaining({
        operationName: "Login",
        extensions: expect.objectContaining({ persistedQuery: { version: 1, sha256Hash: loginId } }),
      }),
      expect.objectContaining({
        operationName: "ProductPage",
        extensions: expect.objectContaining({ persistedQuery: { version: 1, sha256Hash: productPageId } }),
      }),
    ]);
    for (const body of sent) expect(body).not.toHaveProperty("query");
  });

  it("refuses a document that is not in the manifest with PERSISTED_QUERY_NOT_ALLOWED", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `query NotShipped { product(sku: "SKU-00042") { name } }` }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_ALLOWED");
  });
});
