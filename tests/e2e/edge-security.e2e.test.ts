/**
 * The router's edge, through real HTTP against the running stack: subgraphs only answer signed
 * requests, CORS allowlist, CSRF prevention, header rules, and production's introspection-off and
 * error masking.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateStore } from "@store/seed-data";
import { REFUSED_MESSAGE, createRequestSigner } from "@store/wire";
import { createLogger } from "@store/service-kit";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { bearer, mintToken } from "../support/auth.ts";
import { graphql, readCounter } from "../support/graphql.ts";

const routerUrl = inject("routerUrl");
const subgraphUrls = inject("subgraphUrls");
const signingEnv = inject("signingEnv");
const supergraphPath = inject("supergraphPath");
const store = generateStore();
const workDir = mkdtempSync(path.join(os.tmpdir(), "edge-security-"));

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> },
  };
}

const signAsRouter = (subgraph: string, now?: () => number) =>
  createRequestSigner("router", signingEnv[`SUBGRAPH_SECRET_${subgraph.toUpperCase()}`]!, now);

describe("subgraphs only answer the router", () => {
  const USERS = JSON.stringify({ query: "{ users(first: 2) { edges { node { id username email } } } }" });

  it("refuses a direct request to every subgraph with 401 UNAUTHENTICATED and no data", async () => {
    const queries: Record<string, string> = {
      accounts: "{ users(first: 2) { edges { node { email } } } }",
      products: '{ product(sku: "SKU-00001") { id name } }',
      inventory: "{ warehouses { id } }",
      reviews: '{ review(id: "rev_00003") { id body } }',
      orders: '{ order(id: "ord_00001") { id } }',
    };
    for (const [name, query] of Object.entries(queries)) {
      const { status, body } = await post(subgraphUrls[name]!, JSON.stringify({ query }), {
        "x-supergraph-claims": "eyJzdWIiOiJ1c3JfMDAwMSIsInNjb3BlcyI6WyJhZG1pbiJdfQ",
      });
      expect(status, name).toBe(401);
      expect(body.data, name).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code, name).toBe("UNAUTHENTICATED");
    }
  });

  it("answers the same request signed with the subgraph's secret (so the refusals above are about the signature)", async () => {
    const { status, body } = await post(subgraphUrls.accounts!, USERS, signAsRouter("accounts")(USERS));
    expect(status).toBe(200);
    expect(body.data.users.edges).toHaveLength(2);
  });

  it("refuses a tampered body, a replay later than 60 s, a future timestamp, and another subgraph's secret, saying only that it refused", async () => {
    const tampered = JSON.stringify({ query: "{ users(first: 50) { edges { node { id email } } } }" });
    const cases: Array<[string, string, Record<string, string>]> = [
      ["tampered body", tampered, signAsRouter("accounts")(USERS)],
      ["replayed late", USERS, signAsRouter("accounts", () => Date.now() - 120_000)(USERS)],
      ["future", USERS, signAsRouter("accounts", () => Date.now() + 120_000)(USERS)],
      ["products' secret", USERS, signAsRouter("products")(USERS)],
      ["forged caller", USERS, { ...signAsRouter("accounts")(USERS), "x-supergraph-caller": "orders" }],
      ["unknown caller", USERS, { ...signAsRouter("accounts")(USERS), "x-supergraph-caller": "billing" }],
    ];
    for (const [what, body, headers] of cases) {
      const answer = await post(subgraphUrls.accounts!, body, headers);
      expect(answer.status, what).toBe(401);
      expect(answer.body.data, what).toBeUndefined();
      // One message for every reason: an outsider learns neither the trusted callers nor the clock.
      expect(answer.body.errors, what).toEqual([{ message: REFUSED_MESSAGE, extensions: { code: "UNAUTHENTICATED" } }]);
    }
  });

  it("keeps /health and /metrics open", async () => {
    const base = subgraphUrls.inventory!.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it("serves the graph through the router, and orders still reserves stock with its own credentials", async () => {
    const product = store.products[420]!;
    const stock = async () =>
      (
        await graphql(
          routerUrl,
          `
            query ($id: ID!) {
              product(id: $id) {
                totalStock
              }
            }
          `,
          { id: product.id },
        )
      ).data.product.totalStock as number;
    const before = await stock();
    expect(before).toBeGreaterThan(0);
    const placed = await graphql(
      routerUrl,
      `
        mutation ($input: PlaceOrderInput!, $key: String!) {
          placeOrder(input: $input, idempotencyKey: $key) {
            id
            status
            lines {
              product {
                name
              }
            }
          }
        }
      `,
      { input: { lines: [{ productId: product.id, quantity: 1 }] }, key: `edge-${randomUUID()}` },
      bearer(await mintToken({ sub: store.users[7]!.id })),
    );
    expect(placed.errors).toBeUndefined();
    expect(placed.data.placeOrder).toMatchObject({ status: "CONFIRMED", lines: [{ product: { name: product.name } }] });
    expect(await stock()).toBe(before - 1);
  });
});

describe("CORS (development defaults: localhost origins)", () => {
  const preflight = (origin: string, headers = "content-type") =>
    fetch(routerUrl, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers },
    });

  it("answers a preflight from an allowed origin", async () => {
    const response = await preflight("http://localhost:5173", "content-type, apollo-require-preflight");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(response.headers.get("access-control-allow-headers")).toContain("apollo-require-preflight");
    expect(response.headers.get("access-control-max-age")).toBe("600");
    expect(response.headers.get("vary")).toMatch(/Origin/);
  });

  it("refuses a preflight from another origin, or asking for a header not allowed, with 403 CORS_REJECTED", async () => {
    for (const response of [
      await preflight("https://evil.example"),
      await preflight("http://localhost:5173", "content-type, x-secret-admin"),
    ]) {
      expect(response.status).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect((await response.json()).errors[0].extensions.code).toBe("CORS_REJECTED");
    }
  });

  it("adds CORS headers to an allowed origin's request and none to another's", async () => {
    const query = JSON.stringify({ query: "{ __typename }" });
    const allowed = await post(routerUrl, query, { origin: "http://127.0.0.1:8080" });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:8080");
    expect(allowed.headers.get("access-control-expose-headers")).toBe("x-request-id");
    const other = await post(routerUrl, query, { origin: "https://evil.example" });
    expect(other.status).toBe(200);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CSRF prevention", () => {
  const QUERY = '{ product(sku: "SKU-00001") { id name } }';

  it("refuses simple cross-site requests with 400 CSRF_PREVENTED before any subgraph is called", async () => {
    const before = await readCounter(subgraphUrls.products!, "http_requests_total", { route: "graphql" });
    const attempts: Array<[string, Promise<Response>]> = [
      ["GET", fetch(`${routerUrl}?query=${encodeURIComponent(QUERY)}`)],
      [
        "POST text/plain",
        fetch(routerUrl, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ query: QUERY }) }),
      ],
      [
        "POST form",
        fetch(routerUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `query=${encodeURIComponent(QUERY)}`,
        }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      const response = await attempt;
      expect(response.status, what).toBe(400);
      const body = await response.json();
      expect(body.data, what).toBeUndefined();
      expect(body.errors[0].extensions.code, what).toBe("CSRF_PREVENTED");
      expect(body.errors[0].message, what).toMatch(/Cross-Site Request Forgery/);
    }
    expect(await readCounter(subgraphUrls.products!, "http_requests_total", { route: "graphql" })).toBe(before);
  });

  it("serves the same requests with a preflight-forcing header or a JSON content type", async () => {
    const get = await fetch(`${routerUrl}?query=${encodeURIComponent(QUERY)}`, { headers: { "apollo-require-preflight": "true" } });
    expect(get.status).toBe(200);
    expect((await get.json()).data.product.id).toBe("prd_0001");
    expect((await graphql(routerUrl, QUERY)).data.product.id).toBe("prd_0001");
  });
});

/** A stand-in in front of (or instead of) a subgraph that records what the router sent it. */
async function recordingServer(
  answer: (body: string, req: http.IncomingMessage) => Promise<{ status: number; body: string; headers?: Record<string, string> }>,
) {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push(req.headers);
    const { status, body, headers } = await answer(Buffer.concat(chunks).toString("utf8"), req);
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/graphql`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("production router: header rules, CORS from config, introspection off, masked errors", () => {
  const routers: Router[] = [];
  const logLines: string[] = [];
  let configured: string;
  let defaults: string;
  let productsProxy: Awaited<ReturnType<typeof recordingServer>>;
  let brokenReviews: Awaited<ReturnType<typeof recordingServer>>;
  const INTERNAL_DETAIL = 'relation "Review" does not exist (reviews-db-7.internal:5432)';

  async function startRouter(env: NodeJS.ProcessEnv, yaml?: string, logger = createLogger("router", "silent")) {
    const flags: { supergraph: string; port: string; config?: string } = { supergraph: supergraphPath, port: "0" };
    if (yaml) writeFileSync((flags.config = path.join(workDir, `router-${routers.length}.yaml`)), yaml);
    const router = createRouter(
      loadRouterConfig({ env: { NODE_ENV: "production", ADMIN_PORT: "0", ...signingEnv, ...env }, flags }),
      logger,
    );
    routers.push(router);
    return `${(await router.start()).url}/graphql`;
  }

  beforeAll(async () => {
    // In front of the real products subgraph: passes the (signed) request through untouched and adds two response headers.
    productsProxy = await recordingServer(async (body, req) => {
      const forwarded = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => !["host", "connection", "content-length"].includes(name)),
      ) as Record<string, string>;
      const response = await fetch(subgraphUrls.products!, { method: "POST", headers: forwarded, body });
      return {
        status: response.status,
        body: await response.text(),
        headers: { "x-cache-status": "HIT", "x-internal-debug": "primary-db" },
      };
    });
    // Instead of reviews: an internal error whose details must not reach a client.
    brokenReviews = await recordingServer(async () => ({
      status: 200,
      body: JSON.stringify({
        data: { review: null },
        errors: [{ message: INTERNAL_DETAIL, path: ["review"], extensions: { code: "INTERNAL_SERVER_ERROR" } }],
      }),
    }));
    const yaml = [
      "cors:",
      "  origins: [https://shop.example.com, 'https://*.shop.example.com']",
      "  credentials: true",
      "headers:",
      "  all:",
      "    request: [accept-language]",
      "  subgraphs:",
      "    products:",
      "      request: [x-products-hint]",
      "      response: [x-cache-status]",
      "subgraphs:",
      `  products: { url: "${productsProxy.url}" }`,
      `  reviews: { url: "${brokenReviews.url}" }`,
    ].join("\n");
    configured = await startRouter({}, yaml, createLogger("router", "info", { write: (line: string) => void logLines.push(line) }));
    defaults = await startRouter({});
  });

  afterAll(async () => {
    await Promise.all(routers.map((router) => router.stop()));
    await Promise.all([productsProxy?.close(), brokenReviews?.close()]);
  });

  it("forwards only the allowlisted client headers, per subgraph, and never the client's authorization or claims", async () => {
    productsProxy.seen.length = 0;
    brokenReviews.seen.length = 0;
    const clientHeaders = {
      "accept-language": "de-CH",
      "x-products-hint": "warm",
      authorization: "Bearer client-token",
      "x-supergraph-claims": "forged",
      cookie: "session=1",
    };
    const result = await graphql(
      configured,
      '{ product(sku: "SKU-00001") { id name } review(id: "rev_00003") { id } }',
      undefined,
      clientHeaders,
    );
    expect(result.data.product.id).toBe("prd_0001");
    const [toProducts] = productsProxy.seen;
    const [toReviews] = brokenReviews.seen;
    expect(toProducts).toMatchObject({
      "accept-language": "de-CH",
      "x-products-hint": "warm",
      "x-supergraph-caller": "router",
      "x-supergraph-signature": expect.stringMatching(/^v2=/),
    });
    expect(toReviews).toMatchObject({ "accept-language": "de-CH" });
    expect(toReviews!["x-products-hint"]).toBeUndefined();
    for (const sent of [toProducts!, toReviews!]) {
      expect(sent.authorization).toBeUndefined();
      expect(sent.cookie).toBeUndefined();
      expect(sent["x-supergraph-claims"]).not.toBe("forged");
    }
  });

  it("passes only the allowlisted subgraph response headers back to the client", async () => {
    const result = await graphql(configured, '{ product(sku: "SKU-00002") { id } }');
    expect(result.data.product.id).toBe("prd_0002");
    expect(result.headers.get("x-cache-status")).toBe("HIT");
    expect(result.headers.get("x-internal-debug")).toBeNull();
  });

  it("masks an internal subgraph error as a generic error with the request id, and logs the details", async () => {
    const result = await graphql(configured, '{ review(id: "rev_00003") { id } }');
    const requestId = result.headers.get("x-request-id")!;
    expect(result.data).toEqual({ review: null });
    expect(result.errors).toEqual([
      { message: `Internal server error (request ${requestId}).`, path: ["review"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
    ]);
    expect(JSON.stringify(result)).not.toContain("reviews-db-7");
    const logged = logLines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.requestId === requestId && JSON.stringify(entry).includes("reviews-db-7"));
    expect(logged).toBeDefined();
  });

  it("turns introspection off", async () => {
    const result = await graphql(defaults, "{ __schema { types { name } } }");
    expect(result.status).toBe(200); // a validation error under application/json (GraphQL over HTTP spec)
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(result.data).toBeUndefined();
  });

  it("allows the configured origins, with credentials, and no others", async () => {
    const preflight = (url: string, origin: string) =>
      fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
    const allowed = await preflight(configured, "https://eu.shop.example.com");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://eu.shop.example.com");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    expect((await preflight(configured, "http://localhost:5173")).status).toBe(403);
    // Production allows no origin unless configured.
    const unconfigured = await preflight(defaults, "http://localhost:5173");
    expect(unconfigured.status).toBe(403);
    expect((await unconfigured.json()).errors[0]).toEqual({
      message: "Origin http://localhost:5173 is not allowed to call this API.",
      extensions: { code: "CORS_REJECTED" },
    });
  });
});
