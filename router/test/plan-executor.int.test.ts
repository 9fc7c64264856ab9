import { ApolloServer } from "@apollo/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, createServiceMetrics } from "@store/service-kit";
import { loadRouterConfig } from "../src/config.ts";
import { createFeatures } from "../src/features/create.ts";
import { createGateway } from "../src/gateway.ts";
import { createRouterMetrics } from "../src/metrics.ts";
import { startFederatedFixture, type FederatedFixture } from "./support/federated-fixture.ts";

/**
 * The router's plan executor against @apollo/gateway's own, on the same gateway setup (data sources,
 * fetch policy, failure handling) and the same real subgraphs over HTTP: every answer must be the
 * one stock gives, errors and their paths included, while the router sends fewer representations.
 */
let fixture: FederatedFixture;
const servers: Record<"router" | "stock", ApolloServer<{ requestId: string }>> = {} as never;
const gateways: Array<{ closePools(): Promise<unknown> }> = [];

beforeAll(async () => {
  fixture = await startFederatedFixture();
  const config = loadRouterConfig({ env: {}, flags: {} });
  // One attempt per fetch, so a stopped subgraph fails at once and both executors see the same calls.
  config.traffic.retry.maxAttempts = 1;
  config.traffic.circuitBreaker.enabled = false;
  const logger = createLogger("router", "silent");
  for (const executor of ["router", "stock"] as const) {
    const metrics = createRouterMetrics(createServiceMetrics(`router_${executor}`));
    const features = await createFeatures(config, { logger, metrics });
    const built = createGateway(config, fixture.supergraphSdl, logger, metrics, features.all("subgraphCall"), { executor });
    gateways.push(built);
    servers[executor] = new ApolloServer({ gateway: built.gateway, logger });
    await servers[executor].start();
  }
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  await Promise.all(gateways.map((g) => g.closePools()));
  await fixture?.close();
});

async function run(executor: "router" | "stock", query: string, variables?: Record<string, unknown>) {
  const response = await servers[executor].executeOperation({ query, variables }, { contextValue: { requestId: "test" } });
  if (response.body.kind !== "single") throw new Error("expected a single result");
  return JSON.parse(JSON.stringify(response.body.singleResult)) as {
    data?: any;
    errors?: Array<{ message: string; path?: (string | number)[]; extensions?: any }>;
  };
}

/** Runs the operation through both executors and returns the router's answer after checking it equals stock's. */
async function sameAsStock(query: string, variables?: Record<string, unknown>) {
  const stock = await run("stock", query, variables);
  const router = await run("router", query, variables);
  expect(router).toEqual(stock);
  return router;
}

const NESTED = `
  fragment Who on User { id name }
  query Nested {
    topReviews {
      id
      text: body
      __typename
      author { ...Who reviews { id product { upc name inStock shipping } } }
      product { upc name price inStock shipping kind: __typename }
    }
  }`;

describe("the router's plan executor", () => {
  it("answers a nested query across four subgraphs like stock, sending each repeated entity once", async () => {
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    const sentBy = async (executor: "router" | "stock"): Promise<Record<string, number>> => {
      const before = { ...fixture.representations };
      const requestsBefore = total(fixture.requests);
      await run(executor, NESTED);
      return {
        ...Object.fromEntries(Object.entries(fixture.representations).map(([n, v]) => [n, v - before[n]!])),
        requests: total(fixture.requests) - requestsBefore,
      };
    };
    const stockSent = await sentBy("stock");
    const routerSent = await sentBy("router");
    // Identical entity fetches at two places of the plan share one request.
    expect(routerSent.requests).toBeLessThan(stockSent.requests!);
    const router = await sameAsStock(NESTED);
    expect(router.data.topReviews).toHaveLength(6);
    expect(router.data.topReviews[0]).toMatchObject({
      id: "r1",
      text: "Review 1",
      __typename: "Review",
      product: { upc: "p2", kind: "Product" },
    });
    expect(routerSent.inventory).toBeLessThan(stockSent.inventory!);
    expect(routerSent.products).toBeLessThan(stockSent.products!);
  });

  it("nulls the nearest nullable parent when a non-null field's entity is gone, and says where", async () => {
    const result = await sameAsStock(`{ topReviews { id author { id handle } } }`);
    // Reviews r2 and r5 are by user 3, whom accounts no longer has: handle (String!) is missing, so
    // author (User!) is null, so the review is (the list's elements may be null).
    expect(result.data.topReviews.map((r: any) => r?.id ?? null)).toEqual(["r1", null, "r3", "r4", null, "r6"]);
    expect((result as any).extensions.valueCompletion).toEqual(
      [1, 4].map((i) => ({
        message: "Cannot return null for non-nullable field User.handle.",
        path: ["topReviews", i, "author", "handle"],
        extensions: { code: "INVALID_GRAPHQL" },
      })),
    );
  });

  it("places a field error at every entity it belongs to, though the entity was fetched once", async () => {
    const result = await sameAsStock(`{ topReviews { id product { upc flaky } } }`);
    expect(result.errors!.map((e) => e.path)).toEqual([0, 1, 2, 3, 4, 5].map((i) => ["topReviews", i, "product", "flaky"]));
    expect(result.errors![0]).toMatchObject({ message: "flaky is broken", extensions: { serviceName: "reviews" } });
  });

  it("honours variables, @include/@skip and fragments on union members", async () => {
    const query = `query Search($term: String!, $withPrice: Boolean!, $skipStock: Boolean = false) {
      search(term: $term) { __typename ... on Product { upc price @include(if: $withPrice) inStock @skip(if: $skipStock) } ... on Category { name constructor } }
    }`;
    const withPrice = await sameAsStock(query, { term: "Product", withPrice: true });
    expect(withPrice.data.search).toHaveLength(4);
    expect(withPrice.data.search[0]).toEqual({ __typename: "Product", upc: "p1", price: 700, inStock: true });
    expect(withPrice.data.search[3]).toEqual({ __typename: "Category", name: "Category Product", constructor: "hand-made" });
    const without = await sameAsStock(query, { term: "2", withPrice: false, skipStock: true });
    expect(without.data.search[0]).toEqual({ __typename: "Product", upc: "p2" });
  });

  it("rejects bad variables as stock does, before calling any subgraph", async () => {
    const before = Object.values(fixture.requests).reduce((a, b) => a + b, 0);
    const result = await sameAsStock(`query ($term: String!) { search(term: $term) { __typename } }`, { term: 3 });
    expect(result.errors![0]!.message).toMatch(/\$term/);
    expect(Object.values(fixture.requests).reduce((a, b) => a + b, 0)).toBe(before);
  });

  it("keeps @inaccessible fields out of the client's schema", async () => {
    const result = await run("router", `{ products { upc secret } }`);
    expect(result.errors![0]!.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("answers a stopped subgraph's part with coded errors at the entities' paths and keeps the rest", async () => {
    await fixture.stopSubgraph("inventory");
    const result = await sameAsStock(`{ topReviews { id product { upc name inStock } } }`);
    // inStock (Boolean!) is missing, so each review's product (nullable) is null; the reviews stay.
    expect(result.data.topReviews.map((r: any) => r.id)).toEqual(["r1", "r2", "r3", "r4", "r5", "r6"]);
    expect(result.data.topReviews.every((r: any) => r.product === null)).toBe(true);
    // One error per product occurrence, in order, though only two distinct products were asked for.
    expect(result.errors!.map((e) => e.path)).toEqual([0, 1, 2, 3, 4, 5].map((i) => ["topReviews", i, "product"]));
    expect(result.errors![0]).toMatchObject({
      extensions: { code: "SERVICE_UNAVAILABLE", serviceName: "inventory", reason: "unreachable" },
    });
  });
});

describe("identical queries in flight (traffic.mergeIdenticalQueries)", () => {
  it("answers identical concurrent queries from one execution, and runs each caller's own otherwise", async () => {
    const config = loadRouterConfig({ env: { ROUTER_MERGE_IDENTICAL_QUERIES: "true" }, flags: {} });
    config.traffic.circuitBreaker.enabled = false;
    const logger = createLogger("router", "silent");
    const metrics = createRouterMetrics(createServiceMetrics("router_merging"));
    const features = await createFeatures(config, { logger, metrics });
    const built = createGateway(config, fixture.supergraphSdl, logger, metrics, features.all("subgraphCall"), { executor: "router" });
    gateways.push(built);
    const server = new ApolloServer({ gateway: built.gateway, logger });
    await server.start();
    try {
      const asUser = (sub: string | null) => ({
        requestId: "merge",
        caller: sub ? { id: sub, scopes: [], roles: [] } : null,
        tokenClaims: sub ? { sub, scopes: [] } : null,
        clientHeaders: {},
        responseHeaders: new Map(),
      });
      const ask = async (sub: string | null) => {
        const response = await server.executeOperation({ query: NESTED }, { contextValue: asUser(sub) as never });
        if (response.body.kind !== "single") throw new Error("expected a single result");
        return JSON.parse(JSON.stringify(response.body.singleResult));
      };
      const requests = () => Object.values(fixture.requests).reduce((a, b) => a + b, 0);
      const sentFor = async (work: () => Promise<unknown>) => {
        const before = requests();
        await work();
        return requests() - before;
      };
      const alone = await ask(null); // planned and cached here
      const one = await sentFor(() => ask(null));
      let answers: unknown[] = [];
      const three = await sentFor(async () => (answers = await Promise.all([ask(null), ask(null), ask(null)])));
      expect(three).toBe(one);
      for (const answer of answers) expect(answer).toEqual(alone);
      expect((await metrics.mergedQueries.get()).values[0]?.value).toBe(2);
      // Different callers may see different data: each runs its own execution.
      expect(await sentFor(() => Promise.all([ask("usr_0001"), ask("usr_0002")]))).toBe(2 * one);
    } finally {
      await server.stop();
    }
  });
});
