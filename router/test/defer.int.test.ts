import { ApolloServer, HeaderMap } from "@apollo/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, createServiceMetrics } from "@store/service-kit";
import { loadRouterConfig } from "../src/config.ts";
import { incrementalDeliveryPlugin } from "../src/execution/incremental-delivery.ts";
import { createFeatures } from "../src/features/create.ts";
import { createGateway } from "../src/gateway.ts";
import { createRouterMetrics } from "../src/metrics.ts";
import { startFederatedFixture, type FederatedFixture } from "./support/federated-fixture.ts";

/**
 * @defer through the router's executor against real subgraphs over HTTP: the multipart body as
 * Apollo Server writes it (parsed by hand: boundaries, hasNext, paths, labels), and the one merged
 * response a client without multipart gets, equal to the undeferred query's.
 */
let fixture: FederatedFixture;
let server: ApolloServer<{ requestId: string }>;
let merging: ApolloServer<{ requestId: string }>;
let mergingMetrics: ReturnType<typeof createRouterMetrics>;
const pools: Array<() => Promise<unknown>> = [];
const MULTIPART = "multipart/mixed;deferSpec=20220824,application/json";

beforeAll(async () => {
  fixture = await startFederatedFixture();
  const config = loadRouterConfig({ env: {}, flags: {} });
  config.traffic.retry.maxAttempts = 1;
  config.traffic.circuitBreaker.enabled = false;
  const logger = createLogger("router", "silent");
  const metrics = createRouterMetrics(createServiceMetrics("router_defer"));
  const features = await createFeatures(config, { logger, metrics });
  const built = createGateway(config, fixture.supergraphSdl, logger, metrics, features.all("subgraphCall"));
  pools.push(built.closePools);
  server = new ApolloServer({ gateway: built.gateway, logger, plugins: [incrementalDeliveryPlugin((formatted) => formatted)] });
  await server.start();
  // The same, merging identical queries in flight.
  const mergingConfig = structuredClone(config);
  mergingConfig.traffic.mergeIdenticalQueries = true;
  mergingMetrics = createRouterMetrics(createServiceMetrics("router_defer_merging"));
  const mergingBuilt = createGateway(mergingConfig, fixture.supergraphSdl, logger, mergingMetrics, features.all("subgraphCall"));
  pools.push(mergingBuilt.closePools);
  merging = new ApolloServer({ gateway: mergingBuilt.gateway, logger, plugins: [incrementalDeliveryPlugin((formatted) => formatted)] });
  await merging.start();
});

afterAll(async () => {
  await server?.stop();
  await merging?.stop();
  await Promise.all(pools.map((close) => close()));
  await fixture?.close();
});

interface Payload {
  data?: any;
  errors?: Array<{ message: string; path?: (string | number)[] }>;
  hasNext?: boolean;
  incremental?: Array<{ data: any; path: (string | number)[]; label?: string; errors?: Array<{ message: string; path?: unknown[] }> }>;
}

async function post(query: string, accept: string, variables?: Record<string, unknown>, on = server) {
  const headers = new HeaderMap([
    ["content-type", "application/json"],
    ["accept", accept],
  ]);
  const response = await on.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers, search: "", body: variables ? { query, variables } : { query } },
    context: async () => ({ requestId: "test", tokenClaims: null, clientHeaders: {}, responseHeaders: new Map() }),
  });
  if (response.body.kind === "complete") return { contentType: response.headers.get("content-type"), body: response.body.string };
  let body = "";
  for await (const chunk of response.body.asyncIterator) body += chunk;
  return { contentType: response.headers.get("content-type"), body };
}

/** Splits a deferSpec=20220824 multipart body on its `-` boundary; checks every part's header and the closing delimiter. */
function parseMultipart(body: string): Payload[] {
  expect(body.startsWith("\r\n---\r\n")).toBe(true);
  expect(body.endsWith("\r\n-----\r\n")).toBe(true);
  const parts = body.slice("\r\n---\r\n".length, -"\r\n-----\r\n".length).split("\r\n---\r\n");
  return parts.map((part) => {
    const [head, json] = part.split("\r\n\r\n");
    expect(head!.toLowerCase()).toBe("content-type: application/json; charset=utf-8");
    return JSON.parse(json!) as Payload;
  });
}

/** The client's view once every part is merged in at its path (what Apollo Client does). */
function mergeParts(payloads: Payload[]): any {
  const data = structuredClone(payloads[0]!.data);
  const merge = (target: any, source: any) => {
    for (const [key, value] of Object.entries(source)) {
      if (value && typeof value === "object" && target[key] && typeof target[key] === "object") merge(target[key], value);
      else target[key] = value;
    }
  };
  for (const payload of payloads.slice(1))
    for (const item of payload.incremental ?? []) {
      const at = item.path.reduce((node: any, key) => node[key], data);
      if (item.data) merge(at, item.data);
    }
  return data;
}

const PRODUCTS_DEFERRED = `query {
  products { upc name ... @defer(label: "stock") { inStock shipping } }
}`;
const PRODUCTS = `query { products { upc name inStock shipping } }`;

describe("@defer through the router's executor", () => {
  it("streams the initial payload, then the deferred fragment once per list item, with its label and hasNext", async () => {
    const { contentType, body } = await post(PRODUCTS_DEFERRED, MULTIPART);
    expect(contentType).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    const payloads = parseMultipart(body);
    expect(payloads[0]).toEqual({
      data: { products: [1, 2, 3].map((i) => ({ upc: `p${i}`, name: `Product ${i}` })) },
      hasNext: true,
    });
    const items = payloads.slice(1).flatMap((p) => p.incremental ?? []);
    expect(items.map((item) => item.path)).toEqual([
      ["products", 0],
      ["products", 1],
      ["products", 2],
    ]);
    expect(items.every((item) => item.label === "stock")).toBe(true);
    expect(payloads.at(-1)!.hasNext).toBe(false);
    expect(payloads.slice(1, -1).every((p) => p.hasNext === true)).toBe(true);
    const undeferred = JSON.parse((await post(PRODUCTS, "application/json")).body);
    expect(mergeParts(payloads)).toEqual(undeferred.data);
  });

  it("answers a client without multipart with one response equal to the undeferred query's", async () => {
    const merged = JSON.parse((await post(PRODUCTS_DEFERRED, "application/json")).body);
    const undeferred = JSON.parse((await post(PRODUCTS, "application/json")).body);
    expect(merged).toEqual(undeferred);
    expect(merged.data.products[1]).toEqual({ upc: "p2", name: "Product 2", inStock: false, shipping: 0 });
  });

  it("@defer(if: false) sends one ordinary response; if: true streams; an unlabelled defer gets no label", async () => {
    const query = `query ($d: Boolean!) { products { upc ... @defer(if: $d) { inStock } } }`;
    const off = await post(query, MULTIPART, { d: false });
    expect(off.contentType).toMatch(/^application\/(json|graphql-response\+json)/);
    expect(JSON.parse(off.body).data.products[0]).toEqual({ upc: "p1", inStock: true });
    const on = parseMultipart((await post(query, MULTIPART, { d: true })).body);
    expect(on[0]!.data.products[0]).toEqual({ upc: "p1" });
    const items = on.slice(1).flatMap((p) => p.incremental ?? []);
    expect(items).toHaveLength(3);
    expect(items.every((item) => !("label" in item))).toBe(true);
  });

  it("delivers nested defers after the part they sit in, and parts in the order they are ready", async () => {
    const query = `query {
      topReviews { id ... @defer(label: "outer") { body product { upc ... @defer(label: "inner") { inStock } } } }
    }`;
    const payloads = parseMultipart((await post(query, MULTIPART)).body);
    const order = payloads.slice(1).flatMap((p) => (p.incremental ?? []).map((item) => `${item.label}:${item.path.join(".")}`));
    for (let i = 0; i < 6; i++)
      expect(order.indexOf(`inner:topReviews.${i}.product`)).toBeGreaterThan(order.indexOf(`outer:topReviews.${i}`));
    const undeferred = JSON.parse((await post(`query { topReviews { id body product { upc inStock } } }`, "application/json")).body);
    expect(mergeParts(payloads)).toEqual(undeferred.data);
  });

  it("puts an error inside a deferred fragment in that part, with its path", async () => {
    const query = `query { products { upc ... @defer(label: "flaky") { flaky } } }`;
    const payloads = parseMultipart((await post(query, MULTIPART)).body);
    expect(payloads[0]!.errors).toBeUndefined();
    const items = payloads.slice(1).flatMap((p) => p.incremental ?? []);
    const errors = items.flatMap((item) => (item.errors ?? []).map((error) => ({ item: item.path, path: error.path })));
    expect(errors.length).toBeGreaterThan(0);
    for (const { item, path } of errors) expect(path!.slice(0, 2)).toEqual(item);
  });

  it("gives every follower of a merged identical query every part", async () => {
    const before = (await mergingMetrics.mergedQueries.get()).values[0]?.value ?? 0;
    const bodies = await Promise.all([1, 2, 3].map(() => post(PRODUCTS_DEFERRED, MULTIPART, undefined, merging)));
    const after = (await mergingMetrics.mergedQueries.get()).values[0]?.value ?? 0;
    expect(after - before).toBe(2);
    const [leader, ...followers] = bodies.map(({ body }) => parseMultipart(body));
    expect(leader!.slice(1).flatMap((p) => p.incremental ?? [])).toHaveLength(3);
    for (const follower of followers) expect(mergeParts(follower)).toEqual(mergeParts(leader!));
  });

  it("keeps the initial payload intact when the subgraph of a deferred part is down", async () => {
    await fixture.stopSubgraph("inventory");
    const payloads = parseMultipart((await post(PRODUCTS_DEFERRED, MULTIPART)).body);
    expect(payloads[0]).toEqual({ data: { products: [1, 2, 3].map((i) => ({ upc: `p${i}`, name: `Product ${i}` })) }, hasNext: true });
    const items = payloads.slice(1).flatMap((p) => p.incremental ?? []);
    expect(items.flatMap((item) => item.errors ?? []).length).toBeGreaterThan(0);
    expect(payloads.at(-1)!.hasNext).toBe(false);
  });
});
