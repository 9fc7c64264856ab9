import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort, startServiceProcess, waitUntilReady, type ServiceProcess } from "@store/stack";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { graphql, readCounter } from "../support/graphql.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { repoRoot } from "../support/test-stack.ts";

/**
 * Rate limits through real HTTP: routers on the shared stack's supergraph, each with its own
 * `rateLimit` section, clients told apart by X-Forwarded-For (the routers trust loopback as a proxy)
 * or an API key. Redis is the global setup's (127.0.0.1:6379, or a throwaway redis-server it started).
 */
const supergraphPath = inject("supergraphPath");
/** The stack's subgraphs only answer signed requests: every router here gets the signing secrets. */
const signingEnv = inject("signingEnv");
const REDIS_URL = inject("redisUrl");
const API_KEY = "e2e-partner-key";
const dir = mkdtempSync(path.join(os.tmpdir(), "rate-limits-e2e-"));

function configFile(name: string, rateLimit: Record<string, unknown>): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify({ rateLimit: { enabled: true, trustedProxies: ["127.0.0.1", "::1"], ...rateLimit } }));
  return file;
}

async function startRouter(
  name: string,
  rateLimit: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
): Promise<{ router: Router; url: string }> {
  const config = loadRouterConfig({
    env: { LOG_LEVEL: "silent", ...signingEnv, ...env },
    flags: { supergraph: supergraphPath, port: "0", config: configFile(name, rateLimit) },
  });
  const router = createRouter(config);
  const running = await router.start();
  return { router, url: `http://127.0.0.1:${running.port}/graphql` };
}

const from = (ip: string) => ({ "x-forwarded-for": ip });
const PRODUCT = `query ProductName { product(sku: "SKU-00001") { name } }`;
const fetches = (url: string) => readCounter(url, "subgraph_fetch_duration_seconds_count");

describe("rate limits in memory", () => {
  let router: Router;
  let url: string;

  beforeAll(async () => {
    ({ router, url } = await startRouter("memory", {
      default: { requests: 5, windowSeconds: 60 },
      apiKeys: [{ name: "partner", sha256: createHash("sha256").update(API_KEY).digest("hex") }],
      operations: { "Query.product": { requests: 2, windowSeconds: 60 } },
    }));
  });
  afterAll(() => router?.stop());

  it("answers a burst past the budget with 429, RATE_LIMITED and Retry-After, and runs nothing; other identities are unaffected", async () => {
    const burst = `query Categories { categories { slug } }`;
    for (let i = 0; i < 5; i++) expect((await graphql(url, burst, undefined, from("198.51.100.1"))).status).toBe(200);
    const before = await fetches(url);
    const refused = await graphql(url, burst, undefined, from("198.51.100.1"));
    expect(refused.status).toBe(429);
    expect(refused.data).toBeUndefined();
    expect(refused.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Too many requests: retry in \d+ s\.$/),
        extensions: expect.objectContaining({ code: "RATE_LIMITED", limit: { requests: 5, windowSeconds: 60 } }),
      }),
    ]);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.errors![0]!.extensions!.retryAfterSeconds).toBe(retryAfter);
    expect(await fetches(url)).toBe(before); // no subgraph was called for the refused request

    // Another address, and a known API key sent from the limited address, each have their own budget.
    const other = await graphql(url, burst, undefined, from("198.51.100.2"));
    expect(other.status).toBe(200);
    expect(other.data.categories.length).toBeGreaterThan(0);
    expect((await graphql(url, burst, undefined, { ...from("198.51.100.1"), "x-api-key": API_KEY })).status).toBe(200);
    // An invented key is no identity: the request still counts against the address.
    expect((await graphql(url, burst, undefined, { ...from("198.51.100.1"), "x-api-key": "made-up" })).status).toBe(429);
    expect(await readCounter(url, "rate_limit_rejections_total", { identity_kind: "ip", rule: "default" })).toBe(2);
  });

  it("ignores X-Forwarded-For from a client that is not a trusted proxy", async () => {
    const { router: strict, url: strictUrl } = await startRouter("no-proxies", {
      default: { requests: 1, windowSeconds: 60 },
      trustedProxies: [],
    });
    try {
      expect((await graphql(strictUrl, PRODUCT, undefined, from("198.51.100.50"))).status).toBe(200);
      expect((await graphql(strictUrl, PRODUCT, undefined, from("198.51.100.51"))).status).toBe(429);
    } finally {
      await strict.stop();
    }
  });

  it("gives an operation its own budget, which renaming the operation does not escape", async () => {
    const client = from("198.51.100.3");
    expect((await graphql(url, PRODUCT, undefined, client)).status).toBe(200);
    expect(
      (
        await graphql(
          url,
          `
            query Renamed {
              product(sku: "SKU-00002") {
                name
              }
            }
          `,
          undefined,
          client,
        )
      ).status,
    ).toBe(200);
    const refused = await graphql(
      url,
      `
        query Sneaky {
          ... on Query {
            product(sku: "SKU-00003") {
              name
            }
          }
        }
      `,
      undefined,
      client,
    );
    expect(refused.status).toBe(429);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: "RATE_LIMITED", limit: { requests: 2, windowSeconds: 60 } });
    // The rest of the client's budget is untouched.
    expect(
      (
        await graphql(
          url,
          `
            {
              categories {
                slug
              }
            }
          `,
          undefined,
          client,
        )
      ).status,
    ).toBe(200);
    expect(await readCounter(url, "rate_limit_rejections_total", { identity_kind: "ip", rule: "operation:Query.product" })).toBe(1);
  });
});

describe("rate limits shared through Redis", () => {
  const replicas: ServiceProcess[] = [];
  const urls: string[] = [];
  const keyPrefix = `e2e-rate-limit-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    // Generous command timeout: this test is about sharing, and a loaded machine must not push a replica onto its memory fallback.
    const config = configFile("redis-replicas", {
      backend: "redis",
      default: { requests: 6, windowSeconds: 60 },
      redis: { keyPrefix, commandTimeoutMs: 5000 },
    });
    await Promise.all(
      ["a", "b"].map(async (name) => {
        const port = await freePort();
        const replica = startServiceProcess({
          name: `router-rate-limit-${name}`,
          entry: path.join(repoRoot, "router", "src", "main.ts"),
          args: ["--supergraph", supergraphPath, "--port", String(port), "--config", config],
          cwd: repoRoot,
          env: { ...process.env, ...signingEnv, LOG_LEVEL: "warn", RATE_LIMIT_REDIS_URL: REDIS_URL },
          logs: { kind: "directory", dir: path.join(repoRoot, "test-results", "e2e-logs", "rate-limits") },
        });
        replicas.push(replica);
        await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, replica, 120_000);
        urls.push(`http://127.0.0.1:${port}/graphql`);
      }),
    );
  });
  afterAll(() => Promise.all(replicas.map((replica) => replica.stop())));

  it("two router processes spend one budget per identity", async () => {
    const client = from("198.51.100.10");
    for (let i = 0; i < 6; i++) expect((await graphql(urls[i % 2]!, PRODUCT, undefined, client)).status).toBe(200);
    // Each replica saw 3 requests, yet both refuse the 7th: the count lives in Redis.
    for (const url of urls) {
      const refused = await graphql(url, PRODUCT, undefined, client);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    expect((await graphql(urls[1]!, PRODUCT, undefined, from("198.51.100.11"))).status).toBe(200);
    expect(await readCounter(urls[0]!, "rate_limit_store_up")).toBe(1);
  });
});

describe("rate limits while Redis is down", () => {
  let proxy: TcpProxy;
  let router: Router;
  let url: string;

  beforeAll(async () => {
    const redis = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    ({ router, url } = await startRouter(
      "redis-down",
      {
        backend: "redis",
        default: { requests: 3, windowSeconds: 60 },
        redis: { keyPrefix: `e2e-rate-limit-down-${process.pid}-${Date.now()}` },
      },
      { RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${proxy.port}` },
    ));
  });
  afterAll(async () => {
    await router?.stop();
    await proxy?.close();
  });

  it("keeps answering and limiting from memory, counts the fallback, and shares the budget again once Redis is back", async () => {
    const client = from("198.51.100.20");
    await expect.poll(() => readCounter(url, "rate_limit_store_up")).toBe(1);
    expect((await graphql(url, PRODUCT, undefined, client)).status).toBe(200);
    expect((await graphql(url, PRODUCT, undefined, client)).status).toBe(200); // 2 of 3 spent in Redis

    await proxy.cut();
    // This router's memory starts its own count of the same budget: 3 more, then 429.
    for (let i = 0; i < 3; i++) {
      const answered = await graphql(url, PRODUCT, undefined, client);
      expect(answered.status).toBe(200);
      expect(answered.data.product.name).toBeTruthy();
    }
    expect((await graphql(url, PRODUCT, undefined, client)).status).toBe(429);
    expect(await readCounter(url, "rate_limit_store_errors_total")).toBeGreaterThanOrEqual(4);
    expect(await readCounter(url, "rate_limit_store_up")).toBe(0);
    const ready = await fetch(url.replace("/graphql", "/health/ready"));
    expect(ready.status).toBe(200);

    await proxy.restore();
    await expect.poll(() => readCounter(url, "rate_limit_store_up"), { timeout: 10_000 }).toBe(1);
    // Back on the shared count: 2 were spent there before the outage, so one more is allowed.
    expect((await graphql(url, PRODUCT, undefined, client)).status).toBe(200);
    expect((await graphql(url, PRODUCT, undefined, client)).status).toBe(429);
  });

  it("starts and answers when Redis cannot be reached at all", async () => {
    const closed = await freePort();
    const { router: lonely, url: lonelyUrl } = await startRouter(
      "redis-unreachable",
      { backend: "redis" },
      { RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${closed}` },
    );
    try {
      const answered = await graphql(lonelyUrl, PRODUCT);
      expect(answered.status).toBe(200);
      expect(answered.data.product.name).toBeTruthy();
      expect(await readCounter(lonelyUrl, "rate_limit_store_errors_total")).toBeGreaterThanOrEqual(1);
    } finally {
      await lonely.stop();
    }
  });
});
