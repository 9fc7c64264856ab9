import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, type RunningServer } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testSubgraphConfig } from "@store/service-kit/testing";
import { loadProductsSettings } from "../src/config.ts";
import { productsMigrationsDir } from "../src/definition.ts";
import { createServer } from "../src/server.ts";

/** The request log and metrics of a real service: every line the logger writes is captured here. */
let server: Awaited<ReturnType<typeof createServer>>;
let running: RunningServer;
let url: string;
const lines: Array<Record<string, any>> = [];
const raw: string[] = [];

const SECRET = "Bearer sk_live_do-not-log-me";
const COOKIE = "session=cookie-do-not-log-me";

beforeAll(async () => {
  const logger = createLogger("products", "debug", {
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line));
    },
  });
  server = await createServer(
    {
      config: testSubgraphConfig("products", { logLevel: "debug" }),
      db: await createTestDatabase(productsMigrationsDir),
      logger,
    },
    loadProductsSettings({}),
  );
  running = await server.start();
  url = `${running.url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
});

const requestLines = (requestId: string) => lines.filter((l) => l.msg === "graphql request" && l.requestId === requestId);

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = server.metrics.registry.getSingleMetric(name);
  const { values } = await metric!.get();
  return values.filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want)).reduce((sum, v) => sum + v.value, 0);
}

describe("request log", () => {
  it("writes one line per request with its id, operation, outcome, status and duration, and never the credentials", async () => {
    const { status } = await postGraphQL(
      url,
      "query FirstProducts { products(first: 2) { totalCount } }",
      {},
      {
        authorization: SECRET,
        cookie: COOKIE,
        "x-request-id": "obs-req-1",
      },
    );
    expect(status).toBe(200);
    const [line, ...more] = requestLines("obs-req-1");
    expect(more).toHaveLength(0);
    expect(line).toMatchObject({
      level: 20,
      name: "products",
      operation: "FirstProducts",
      operationType: "query",
      outcome: "ok",
      status: 200,
    });
    expect(line!.durationMs).toBeGreaterThan(0);
    expect(line!.errorCodes).toBeUndefined();
    expect(raw.join("")).not.toContain("do-not-log-me");
  });

  it("names the failing operation and lists the error codes", async () => {
    await postGraphQL(url, "query Broken { products(first: 2) { noSuchField } }", {}, { "x-request-id": "obs-req-2" });
    expect(requestLines("obs-req-2")).toEqual([
      expect.objectContaining({ operation: "Broken", outcome: "error", errorCodes: ["GRAPHQL_VALIDATION_FAILED"], status: 400 }),
    ]);
  });

  it("records requests that never reach GraphQL (a body that is not JSON) with their code", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "obs-req-3" },
      body: "{",
    });
    expect(response.status).toBe(400);
    expect(requestLines("obs-req-3")).toEqual([
      expect.objectContaining({ operation: "unknown", outcome: "error", errorCodes: ["BAD_REQUEST"], status: 400 }),
    ]);
  });
});

describe("request metrics", () => {
  it("count and time requests by operation name and outcome, and errors by code", async () => {
    const before = {
      ok: await counter("graphql_requests_total", { operation: "CountMe", outcome: "ok" }),
      anonymous: await counter("graphql_requests_total", { operation: "anonymous", outcome: "ok" }),
      parse: await counter("graphql_errors_total", { code: "GRAPHQL_PARSE_FAILED" }),
    };
    await postGraphQL(url, "query CountMe { products(first: 1) { totalCount } }");
    await postGraphQL(url, "query CountMe { products(first: 1) { totalCount } }");
    await postGraphQL(url, "{ products(first: 1) { totalCount } }");
    await postGraphQL(url, "query Unfinished { products(");
    expect(await counter("graphql_requests_total", { operation: "CountMe", outcome: "ok" })).toBe(before.ok + 2);
    expect(await counter("graphql_requests_total", { operation: "anonymous", outcome: "ok" })).toBe(before.anonymous + 1);
    expect(await counter("graphql_errors_total", { code: "GRAPHQL_PARSE_FAILED" })).toBe(before.parse + 1);
    const histogram = (await server.metrics.graphqlRequestDuration.get()).values.find(
      (v) => v.metricName === "graphql_request_duration_seconds_count" && v.labels.operation === "CountMe",
    );
    expect(histogram?.value).toBe(2);
    // The text format a Prometheus server scrapes.
    const scraped = await (await fetch(`${running.url}/metrics`)).text();
    expect(scraped).toMatch(/graphql_requests_total\{operation="CountMe",outcome="ok",service="products"\} \d+/);
  });
});
