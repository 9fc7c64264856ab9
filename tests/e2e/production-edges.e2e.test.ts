/**
 * The router's production edges through real HTTP, against routers started here in production mode
 * on the shared stack's subgraphs: fair use (rate limits on by default, a batch's cost judged by its
 * sum, a per-client cap on operations in flight), errors that reveal nothing of the schema, client
 * mistakes answered 4xx with a stable code and no error-level log line, the admin listener, and the
 * HTTP server's limits on slow clients.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRequestSigner } from "@store/wire";
import { createLogger } from "@store/service-kit";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { graphql, readCounter } from "../support/graphql.ts";

const routerUrl = inject("routerUrl");
const subgraphUrls = inject("subgraphUrls");
const signingEnv = inject("signingEnv");
const supergraphPath = inject("supergraphPath");
const workDir = mkdtempSync(path.join(os.tmpdir(), "production-edges-"));

interface Started {
  router: Router;
  url: string;
  /** The admin listener's base URL, when the router has one. */
  adminUrl?: string;
  server: http.Server;
  logs: Array<Record<string, any>>;
}

const routers: Router[] = [];
afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
});

async function startRouter(env: NodeJS.ProcessEnv, yaml?: string): Promise<Started> {
  const flags: { supergraph: string; port: string; config?: string } = { supergraph: supergraphPath, port: "0" };
  if (yaml) writeFileSync((flags.config = path.join(workDir, `router-${routers.length}.yaml`)), yaml);
  const logs: Array<Record<string, any>> = [];
  const logger = createLogger("router", "info", { write: (line: string) => void logs.push(JSON.parse(line)) });
  const router = createRouter(loadRouterConfig({ env: { NODE_ENV: "production", ADMIN_PORT: "0", ...signingEnv, ...env }, flags }), logger);
  routers.push(router);
  const running = (await router.start()) as Awaited<ReturnType<Router["start"]>> & { adminUrl?: string };
  return { router, url: `${running.url}/graphql`, adminUrl: running.adminUrl, server: running.server, logs };
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** GraphQL requests the subgraphs have answered so far. */
async function subgraphRequests(): Promise<number> {
  const counts = await Promise.all(Object.values(subgraphUrls).map((url) => readCounter(url, "http_requests_total", { route: "graphql" })));
  return counts.reduce((a, b) => a + b, 0);
}

const PAGE = `{ products(first: 10) { edges { node { name } } } }`;

describe("fair use in production", () => {
  it("limits the rate per client by default: a budget in the config applies without `enabled: true`", async () => {
    const yaml = "rateLimit:\n  default: { requests: 3, windowSeconds: 60 }\n";
    const production = await startRouter({}, yaml);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (
          await graphql(
            production.url,
            `
              {
                categories {
                  slug
                }
              }
            `,
          )
        ).status,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await graphql(
      production.url,
      `
        {
          categories {
            slug
          }
        }
      `,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    // Development stays off unless it is enabled.
    const development = await startRouter({ NODE_ENV: "development" }, yaml);
    for (let i = 0; i < 4; i++)
      expect(
        (
          await graphql(
            development.url,
            `
              {
                categories {
                  slug
                }
              }
            `,
          )
        ).status,
      ).toBe(200);
  });

  it("judges a batch by the sum of its operations' costs: ten under the limit, over it together, run none", async () => {
    const { url } = await startRouter({}, "demandControl:\n  maxCost: 100\n");
    const single = await postJson(url, { query: PAGE }, { "graphql-cost": "report" });
    expect(single.status).toBe(200);
    const cost = single.body.extensions.cost.estimated as number;
    expect(cost).toBeLessThanOrEqual(100);
    expect(cost * 10).toBeGreaterThan(100);

    const before = await subgraphRequests();
    const batch = await postJson(
      url,
      Array.from({ length: 10 }, () => ({ query: PAGE })),
    );
    expect(batch.status).toBe(400);
    expect(batch.body).toHaveLength(10);
    for (const entry of batch.body) {
      expect(entry.data).toBeUndefined();
      expect(entry.errors[0].extensions).toMatchObject({ code: "COST_LIMIT_EXCEEDED", estimatedCost: cost * 10, maxCost: 100 });
    }
    expect(await subgraphRequests()).toBe(before);
    // A batch whose sum is within the limit runs.
    const small = await postJson(
      url,
      Array.from({ length: 4 }, () => ({ query: PAGE })),
    );
    expect(small.status).toBe(200);
    expect(small.body.map((entry: any) => entry.data.products.edges.length)).toEqual([10, 10, 10, 10]);
  });

  describe("operations in flight per client", () => {
    /** In front of the products subgraph: holds every request for SKU-00001 until released. */
    let gate: http.Server;
    let held = 0;
    let release: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => (release = resolve));
    let started: Started;
    const from = (ip: string) => ({ "x-forwarded-for": ip });
    const SLOW = `{ product(sku: "SKU-00001") { name } }`;
    const FAST = `{ product(sku: "SKU-00002") { name } }`;

    beforeAll(async () => {
      gate = http.createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString("utf8");
        if (body.includes("SKU-00001")) {
          held++;
          await opened;
        }
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([name]) => !["host", "connection", "content-length"].includes(name)),
        ) as Record<string, string>;
        const answer = await fetch(subgraphUrls.products!, { method: "POST", headers, body });
        res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
      });
      await new Promise<void>((resolve) => gate.listen(0, "127.0.0.1", resolve));
      const { port } = gate.address() as { port: number };
      started = await startRouter(
        {},
        [
          "rateLimit:",
          "  trustedProxies: [127.0.0.1, '::1']",
          "clientConcurrency:",
          "  maxInFlight: 1",
          "  maxQueued: 1",
          "subgraphs:",
          `  products: { url: "http://127.0.0.1:${port}/graphql" }`,
        ].join("\n"),
      );
    });
    afterAll(async () => {
      release();
      await new Promise<void>((resolve) => gate?.close(() => resolve()));
    });

    const queued = () => readCounter(`${started.adminUrl}/graphql`, "client_operations_queued");

    it("runs one operation per client at a time, queues the next, refuses beyond the queue with 429, and leaves other clients alone", async () => {
      const first = graphql(started.url, SLOW, undefined, from("198.51.100.7"));
      await expect.poll(() => held).toBe(1);
      const second = graphql(started.url, SLOW, undefined, from("198.51.100.7"));
      await expect.poll(queued).toBe(1);
      const third = await graphql(started.url, SLOW, undefined, from("198.51.100.7"));
      expect(third.status).toBe(429);
      expect(third.data).toBeUndefined();
      expect(third.errors?.[0]?.extensions).toMatchObject({ code: "CONCURRENCY_LIMITED", maxInFlight: 1, maxQueued: 1 });
      expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Another client is served at once while the first one's operations wait.
      const other = await graphql(started.url, FAST, undefined, from("198.51.100.8"));
      expect(other.status).toBe(200);
      expect(other.data.product.name).toEqual(expect.any(String));
      expect(held).toBe(1);

      release();
      expect((await first).data.product.name).toEqual(expect.any(String));
      expect((await second).data.product.name).toEqual(expect.any(String));
      expect(await queued()).toBe(0);
      // Slots are given back: the client is served again.
      expect((await graphql(started.url, SLOW, undefined, from("198.51.100.7"))).status).toBe(200);
    });
  });
});

describe("a production router", () => {
  let started: Started;
  let base: string;
  beforeAll(async () => {
    started = await startRouter({});
    base = started.url.replace(/\/graphql$/, "");
  });

  describe("reveals nothing of the schema in its errors", () => {
    const cases: Array<[string, string, Record<string, unknown>?]> = [
      ["a field", `{ categories { nme } }`],
      ["an argument", `{ products(frist: 2) { totalCount } }`],
      ["a type", `{ categories { ... on Categroy { name } } }`],
      ["an input field", `{ products(filter: { categorySlg: "x" }) { totalCount } }`],
      ["an input field in a variable", `query ($f: ProductFilter) { products(filter: $f) { totalCount } }`, { f: { categorySlg: "x" } }],
    ];

    it.each(cases)("no suggestion for a mistyped %s", async (_, query, variables) => {
      const result = await graphql(started.url, query, variables);
      // A validation or variable-coercion error: 200 under application/json (GraphQL over HTTP spec).
      expect(result.status).toBe(200);
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(result.errors)).not.toMatch(/did you mean/i);
      // The development router still helps (so this is about production, and the query is one that gets a suggestion).
      const development = await graphql(routerUrl, query, variables);
      expect(JSON.stringify(development.errors)).toMatch(/Did you mean/);
    });
  });

  describe("answers client mistakes 4xx with a stable code and logs no error", () => {
    const mistakes: Array<[string, unknown, number, string]> = [
      ["two operations and no operationName", { query: `query A { __typename } query B { __typename }` }, 400, "OPERATION_NAME_REQUIRED"],
      ["an unknown operationName", { query: `query A { __typename }`, operationName: "B" }, 400, "OPERATION_NOT_FOUND"],
      // Over a plain POST: subscriptions are served on WebSocket, SSE and multipart only.
      ["a subscription", { query: `subscription { stockChanged(productIds: ["p"]) { id } }` }, 400, "OPERATION_TYPE_NOT_SUPPORTED"],
      [
        "an APQ hash that does not match its query",
        { query: `{ __typename }`, extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } },
        400,
        "PERSISTED_QUERY_HASH_MISMATCH",
      ],
      ["a NUL byte in a string argument", { query: `{ product(sku: "SKU\\u00000001") { name } }` }, 400, "BAD_USER_INPUT"],
      [
        "a NUL byte in a string variable",
        { query: `query ($sku: String) { product(sku: $sku) { name } }`, variables: { sku: "SKU\u00000001" } },
        400,
        "BAD_USER_INPUT",
      ],
      [
        "a NUL byte in an input object variable",
        { query: `query ($f: ProductFilter) { products(filter: $f) { totalCount } }`, variables: { f: { categorySlug: "a\u0000" } } },
        400,
        "BAD_USER_INPUT",
      ],
    ];

    it.each(mistakes)("%s", async (_, body, status, code) => {
      const before = await subgraphRequests();
      const answer = await postJson(started.url, body);
      expect(answer.status).toBe(status);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors[0].extensions.code).toBe(code);
      expect(await subgraphRequests()).toBe(before);
      const requestId = answer.headers.get("x-request-id");
      const lines = started.logs.filter((line) => line.requestId === requestId);
      expect(lines.length).toBeGreaterThan(0); // its request line
      expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    });

    it("logged no error at all, and still answers", async () => {
      expect(started.logs.filter((line) => line.level >= 50)).toEqual([]);
      expect(
        (
          await graphql(
            started.url,
            `
              {
                categories {
                  slug
                }
              }
            `,
          )
        ).data.categories.length,
      ).toBeGreaterThan(0);
    });
  });

  describe("keeps /metrics and health details off its public port", () => {
    it("answers liveness and readiness on the public port, without details, and no /metrics", async () => {
      const live = await fetch(`${base}/health/live`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: "live" });
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready" });
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
    });

    it("serves /metrics and detailed health on the admin listener, bound to 127.0.0.1", async () => {
      expect(started.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const metrics = await fetch(`${started.adminUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^graphql_requests_total\{/m);
      const ready = (await (await fetch(`${started.adminUrl}/health/ready`)).json()) as any;
      expect(ready).toMatchObject({ status: "ready", checks: { supergraph: "loaded", "circuit:products": "closed" } });
      expect((await fetch(`${started.adminUrl}/graphql`, { method: "POST" })).status).toBe(404);
    });
  });

  it("listens on every interface by default in production, on 127.0.0.1 in development", async () => {
    expect((started.server.address() as net.AddressInfo).address).toBe("0.0.0.0");
    const development = await startRouter({ NODE_ENV: "development" });
    expect((development.server.address() as net.AddressInfo).address).toBe("127.0.0.1");
    expect((await fetch(development.url.replace(/\/graphql$/, "/metrics"))).status).toBe(200); // development keeps /metrics on its port
  });
});

describe("subgraphs in production too", () => {
  it("answer a NUL byte that reaches the database with BAD_USER_INPUT, not an internal error", async () => {
    const body = JSON.stringify({ query: `query ($sku: String) { product(sku: $sku) { name } }`, variables: { sku: "SKU\u00000001" } });
    const sign = createRequestSigner("router", signingEnv.SUBGRAPH_SECRET_PRODUCTS!);
    const response = await fetch(subgraphUrls.products!, {
      method: "POST",
      headers: { "content-type": "application/json", ...sign(body) },
      body,
    });
    const answer = (await response.json()) as any;
    expect(answer.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(answer.errors?.[0]?.message).not.toMatch(/0x00|encoding|prisma/i);
  });
});

describe("slow clients", () => {
  let started: Started;
  let port: number;
  beforeAll(async () => {
    started = await startRouter({}, "server:\n  headersTimeoutMs: 2000\n  requestTimeoutMs: 4000\n  maxConnections: 3\n");
    port = (started.server.address() as net.AddressInfo).port;
  });

  const connect = () =>
    new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
      socket.once("error", reject);
    });
  const closed = (socket: net.Socket) =>
    new Promise<string>((resolve) => {
      let received = "";
      socket.on("data", (chunk) => (received += chunk));
      socket.on("error", () => undefined);
      socket.once("close", () => resolve(received));
    });

  it("cuts off a client that sends its headers slowly, with 408", async () => {
    const socket = await connect();
    const done = closed(socket);
    socket.write("POST /graphql HTTP/1.1\r\nHost: router\r\n");
    // One header line every 200 ms: never a complete head.
    const trickle = setInterval(() => socket.writable && socket.write(`x-slow-${Date.now()}: 1\r\n`), 200);
    const received = await done;
    clearInterval(trickle);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it("refuses connections past maxConnections, and accepts again once one closes", async () => {
    const sockets = [await connect(), await connect(), await connect()];
    const extra = await connect().catch(() => undefined);
    if (extra) expect(await closed(extra)).toBe("");
    sockets[0]!.destroy();
    await expect
      .poll(async () => {
        const response = await new Promise<number>((resolve) =>
          http
            .get({ host: "127.0.0.1", port, path: "/health/live", agent: false }, (res) => resolve(res.statusCode ?? 0))
            .on("error", () => resolve(0)),
        );
        return response;
      })
      .toBe(200);
    for (const socket of sockets) socket.destroy();
  });
});
