import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_TOKENS, startTestRegistry, type TestRegistry } from "@store/registry/testing";
import { freePort, startServiceProcess, waitUntilReady, type ServiceProcess } from "@store/stack";
import { graphql } from "../support/graphql.ts";
import { repoRoot, startTestStack, type TestStack } from "../support/test-stack.ts";
import { sleep, startStream, tally, type StreamKind } from "../support/traffic.ts";

/**
 * The router on the schema registry, all real: the registry in this process (fresh PGlite), the
 * five subgraphs and the router as processes. A publish reaches the router under load without a
 * failed request; with the registry gone the router keeps serving, and restarts from its cache file.
 * Figures are printed (search the output for "[registry]").
 */

const STREAM_QUERY = `query StreamProducts { products(first: 5) { edges { node { id name } } } }`;
const DESCRIPTION_QUERY = `query WithDescription { products(first: 1) { edges { node { id description } } } }`;
const stream: StreamKind = {
  name: "products",
  query: STREAM_QUERY,
  judge: (body, status) => (status === 200 && !body.errors && body.data?.products?.edges?.length === 5 ? "ok" : "failed"),
};
const report = (what: string, figures: unknown) => console.log(`[registry] ${what}: ${JSON.stringify(figures)}`);

const productsSdl = readFileSync(path.join(repoRoot, "subgraphs", "products", "schema.graphql"), "utf8");
// The products subgraph already answers `description`: a supergraph without it, then with it, is a
// real "new field" for the router without changing the running subgraph.
const withoutDescription = productsSdl.replace(/^\s*description: String!\n/m, "\n");

let stack: TestStack;
let registry: TestRegistry | undefined;
let router: ServiceProcess | undefined;
let routerUrl: string;
const workDir = mkdtempSync(path.join(os.tmpdir(), "store-registry-e2e-"));
const cacheFile = path.join(workDir, "cache", "supergraph.graphql");
const logDir = path.join(repoRoot, "test-results", "e2e-logs", `registry-${process.pid}`);

async function publish(sdl: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${registry!.url}/v1/subgraphs/products/publish`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKENS.catalog}`, "content-type": "application/json" },
    body: JSON.stringify({ sdl, author: "registry e2e" }),
  });
  return { status: response.status, body: await response.json() };
}

async function startRouter(registryUrl: string): Promise<void> {
  const port = await freePort();
  const config = path.join(workDir, "router.yaml");
  writeFileSync(
    config,
    `supergraph:\n  registry:\n    url: ${registryUrl}\n    pollTimeoutSeconds: 5\n    cacheFile: ${cacheFile}\n    usage:\n      flushIntervalMs: 500\n    report:\n      intervalMs: 500\n`,
  );
  const subgraphUrls = Object.fromEntries(
    Object.entries(stack.subgraphUrls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]),
  );
  router = startServiceProcess({
    name: "router",
    entry: path.join(repoRoot, "router", "src", "main.ts"),
    args: ["--port", String(port), "--config", config],
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      ROUTER_REGISTRY_TOKEN: TEST_TOKENS.router,
      ...subgraphUrls,
      ...stack.signingEnv,
    },
    logs: { kind: "directory", dir: logDir },
  });
  await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, router, 60_000);
  routerUrl = `http://127.0.0.1:${port}/graphql`;
}

beforeAll(async () => {
  [stack, registry] = await Promise.all([
    startTestStack({ withRouter: false, env: { SEED_USERS: "10", SEED_PRODUCTS: "20", SEED_REVIEWS: "20", SEED_ORDERS: "10" } }),
    startTestRegistry(),
  ]);
  const removed = await publish(withoutDescription);
  expect(removed.body.status, JSON.stringify(removed.body)).toBe("published");
  await startRouter(registry.url);
});

afterAll(async () => {
  await router?.stop();
  await registry?.stop();
  await stack?.teardown();
});

describe("the router on the schema registry", () => {
  it("serves a newly published field within seconds, with no failed request during the swap", async () => {
    const before = await graphql(routerUrl, DESCRIPTION_QUERY);
    expect(before.errors?.[0]?.message).toMatch(/description/);

    const traffic = startStream(routerUrl, [stream], { clients: 6, maxMs: 40_000 });
    await sleep(1_000);
    const publishedAt = performance.now();
    const added = await publish(productsSdl);
    expect(added.body.status, JSON.stringify(added.body)).toBe("published");
    let servedAfterMs: number | undefined;
    while (performance.now() - publishedAt < 15_000) {
      const answer = await graphql(routerUrl, DESCRIPTION_QUERY);
      if (!answer.errors && typeof answer.data?.products?.edges?.[0]?.node?.description === "string") {
        servedAfterMs = Math.round(performance.now() - publishedAt);
        break;
      }
      await sleep(50);
    }
    await sleep(1_000);
    const samples = await traffic.stop();
    const counts = tally(samples);
    report("swap", { servedAfterMs, ...counts });
    expect(servedAfterMs).toBeDefined();
    expect(servedAfterMs!).toBeLessThan(10_000);
    expect(counts.total).toBeGreaterThan(20);
    expect(counts.ok).toBe(counts.total);
    expect(readFileSync(cacheFile, "utf8")).toContain("description: String!");
  });

  it("reports the fields each operation used to the registry, off the request path", async () => {
    // Usage is flushed every 500 ms here; a check that removes Product.name must name the operation
    // of a registered client (the anonymous stream above does not count).
    for (let i = 0; i < 3; i++)
      expect((await graphql(routerUrl, STREAM_QUERY, undefined, { "apollographql-client-name": "web" })).errors).toBeUndefined();
    const withoutName = productsSdl.replace(/^\s*name: String!\n/m, "\n");
    let operations: string[] = [];
    let clients: string[] = [];
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      const response = await fetch(`${registry!.url}/v1/subgraphs/products/check`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKENS.catalog}`, "content-type": "application/json" },
        body: JSON.stringify({ sdl: withoutName }),
      });
      const { check } = (await response.json()) as {
        check: { changes: Array<{ coordinate: string; affectedOperations: Array<{ operationName: string; clientName: string }> }> };
      };
      operations = check.changes
        .filter((c) => c.coordinate === "Product.name")
        .flatMap((c) => c.affectedOperations.map((o) => `${o.operationName}`));
      clients = check.changes.filter((c) => c.coordinate === "Product.name").flatMap((c) => c.affectedOperations.map((o) => o.clientName));
      if (operations.includes("StreamProducts")) break;
      await sleep(250);
    }
    expect(operations).toContain("StreamProducts");
    expect(clients).toEqual(["web"]);
    expect(operations).not.toContain("WithDescription");
  });

  it("tells the registry which supergraph it serves and how its subgraphs look, for the console's router list", async () => {
    const viewer = { authorization: `Bearer ${TEST_TOKENS.viewer}` };
    const latest = Number((await fetch(`${registry!.url}/v1/supergraph`, { headers: viewer })).headers.get("x-supergraph-version"));
    expect(latest).toBeGreaterThan(0);
    type Replica = { replicaId: string; supergraphVersion: number | null; subgraphs: Array<{ name: string; healthy: boolean }> };
    let replica: Replica | undefined;
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      const { routers } = (await (await fetch(`${registry!.url}/v1/routers`, { headers: viewer })).json()) as { routers: Replica[] };
      replica = routers.find((r) => r.supergraphVersion === latest);
      if (replica) break;
      await sleep(250);
    }
    expect(replica, "no router replica reported the latest supergraph").toBeDefined();
    expect(replica!.subgraphs.map((s) => s.name).sort()).toEqual(Object.keys(stack.subgraphUrls).sort());
    expect(replica!.subgraphs.every((s) => s.healthy)).toBe(true);
  });

  it("keeps serving while the registry is down, and restarts from its cache file", async () => {
    await registry!.stop();
    const registryUrl = registry!.url;
    registry = undefined;
    await sleep(1_000);
    const during = await graphql(routerUrl, DESCRIPTION_QUERY);
    expect(during.errors).toBeUndefined();
    expect(typeof during.data.products.edges[0].node.description).toBe("string");

    await router!.stop();
    const restartAt = performance.now();
    await startRouter(registryUrl);
    report("restart without registry", { readyAfterMs: Math.round(performance.now() - restartAt) });
    const metrics = await (await fetch(routerUrl.replace(/\/graphql$/, "/metrics"))).text();
    expect(metrics).toMatch(/supergraph_version_info\{[^}]*version="cache"[^}]*\} 1/);
    const after = await graphql(routerUrl, DESCRIPTION_QUERY);
    expect(after.errors).toBeUndefined();
    expect(typeof after.data.products.edges[0].node.description).toBe("string");
  });
});
