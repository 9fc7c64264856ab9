import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "@store/stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../support/graphql.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { bearer, mintToken } from "../support/auth.ts";

/**
 * Tracing and request logs across real processes: a stack of its own, exporting to an OTLP receiver
 * in this test process, with small seeds so it starts quickly.
 */
let receiver: OtlpReceiver;
let stack: TestStack;

/** A real bearer token (the router verifies it): it must reach no log line. */
let token: string;
const SPAN_KIND_CLIENT = 3;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  stack = await startTestStack({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "100",
      LOG_LEVEL: "debug",
      SEED_USERS: "20",
      SEED_PRODUCTS: "30",
      SEED_REVIEWS: "60",
      SEED_ORDERS: "10",
    },
  });
});

afterAll(async () => {
  await stack?.teardown();
  await receiver?.close();
});

const traceOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
const servicesIn = (spans: ReceivedSpan[]) => new Set(spans.map((s) => s.service));
const serverSpan = (spans: ReceivedSpan[], service: string) => spans.find((s) => s.service === service && s.name === "POST /graphql");
/** The router's request span for the operation named `name`. */
const routerSpanOf = (name: string) =>
  receiver.spans.find((s) => s.service === "router" && s.name === "POST /graphql" && s.attributes["graphql.operation.name"] === name);

function logLines(service: string): Array<Record<string, any>> {
  return readFileSync(path.join(stack.logDir, `${service}.log`), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

async function eventually<T>(probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const PRODUCT_PAGE = `query TracedProductPage {
  product(id: "prd_0003") { name inStock averageRating reviews(first: 2) { edges { node { rating author { username } } } } }
}`;

describe("tracing across the supergraph", () => {
  let requestId: string;
  let traceId: string;

  it("one client request yields one trace: router stages, a fetch span per subgraph, the subgraphs' spans and their SQL", async () => {
    token = await mintToken({ sub: "usr_0003" });
    const result = await graphql(stack.routerUrl, PRODUCT_PAGE, {}, bearer(token));
    expect(result.errors).toBeUndefined();
    requestId = result.headers.get("x-request-id")!;

    const root = await eventually(() => routerSpanOf("TracedProductPage"));
    traceId = root.traceId;
    const needed = ["products", "inventory", "reviews"];
    const spans = await receiver.waitFor(
      () => needed.every((service) => traceOf(traceId).some((s) => s.service === service && s.name === "prisma:client:db_query")),
      15_000,
    );
    // Every span this operation caused, in any service, is in that one trace.
    const causedByIt = spans.filter((s) => String(s.attributes["graphql.operation.name"] ?? "").startsWith("TracedProductPage"));
    expect(new Set(causedByIt.map((s) => s.traceId))).toEqual(new Set([traceId]));

    const trace = traceOf(traceId);
    expect(root.parentSpanId).toBeUndefined();
    // One tree: every other span's parent is in the trace.
    const ids = new Set(trace.map((s) => s.spanId));
    expect(trace.filter((s) => s !== root && !ids.has(s.parentSpanId!))).toEqual([]);
    expect([...servicesIn(trace)].sort()).toEqual(["inventory", "products", "reviews", "router"]);

    const routerSpans = trace.filter((s) => s.service === "router").map((s) => s.name);
    expect(routerSpans).toEqual(expect.arrayContaining(["graphql.parse", "graphql.validate", "gateway.plan", "gateway.execute"]));
    const fetches = trace.filter((s) => s.name === "gateway.fetch").map((s) => s.attributes.service);
    expect([...fetches].sort()).toEqual(["inventory", "products", "reviews"]);

    for (const service of needed) {
      const server = serverSpan(trace, service)!;
      expect(server, service).toBeDefined();
      // The subgraph continued the router's trace from the traceparent header of the fetch.
      const caller = trace.find((s) => s.spanId === server.parentSpanId)!;
      expect(caller).toMatchObject({ service: "router", kind: SPAN_KIND_CLIENT });
      expect(trace.find((s) => s.spanId === caller.parentSpanId)).toMatchObject({ name: "gateway.fetch", attributes: { service } });
      const sql = trace.filter((s) => s.service === service && s.name === "prisma:client:db_query");
      expect(sql.length, service).toBeGreaterThan(0);
      expect(sql[0]!.attributes["db.query.text"]).toMatch(/SELECT/);
    }
  });

  it("writes the request's id and trace id on its log line in the router and in every subgraph, and no credentials", async () => {
    const line = await eventually(() => logLines("router").find((l) => l.msg === "graphql request" && l.requestId === requestId));
    expect(line).toMatchObject({ level: 30, traceId, operation: "TracedProductPage", operationType: "query", outcome: "ok", status: 200 });
    expect(line.durationMs).toBeGreaterThan(0);
    for (const service of ["products", "inventory", "reviews"]) {
      const subgraphLine = await eventually(() => logLines(service).find((l) => l.msg === "graphql request" && l.requestId === requestId));
      expect(subgraphLine, service).toMatchObject({
        traceId,
        outcome: "ok",
        operation: expect.stringMatching(new RegExp(`^TracedProductPage__${service}__\\d+$`)),
      });
    }
    for (const service of ["router", "products", "inventory", "reviews", "accounts", "orders"]) {
      expect(readFileSync(path.join(stack.logDir, `${service}.log`), "utf8"), service).not.toContain(token.split(".")[2]);
    }
  });

  it("continues a trace the client started (W3C traceparent)", async () => {
    const clientTraceId = randomUUID().replaceAll("-", "");
    const clientSpanId = randomUUID().replaceAll("-", "").slice(0, 16);
    const result = await graphql(
      stack.routerUrl,
      `
        query ClientTraced {
          product(id: "prd_0004") {
            name
          }
        }
      `,
      {},
      { traceparent: `00-${clientTraceId}-${clientSpanId}-01` },
    );
    expect(result.errors).toBeUndefined();
    const root = await eventually(() => routerSpanOf("ClientTraced"));
    expect(root).toMatchObject({ traceId: clientTraceId, parentSpanId: clientSpanId });
  });

  it("follows service-to-service calls: orders asking products and inventory during placeOrder", async () => {
    const result = await graphql(
      stack.routerUrl,
      `
        mutation TracedCheckout($key: String!) {
          placeOrder(input: { lines: [{ productId: "prd_0005", quantity: 1 }] }, idempotencyKey: $key) {
            id
          }
        }
      `,
      { key: `obs-${randomUUID()}` },
      bearer(await mintToken({ sub: "usr_0003" })),
    );
    // Enough stock or not, orders asked inventory; both answers are traced.
    expect(result.status).toBe(200);
    const root = await eventually(() => routerSpanOf("TracedCheckout"));
    // Each service exports on its own schedule: wait for both callees' server spans and for their parents.
    const hasCallAndParent = (callee: string) => {
      const spans = traceOf(root.traceId);
      const server = serverSpan(spans, callee);
      return !!server && spans.some((s) => s.spanId === server.parentSpanId);
    };
    const trace = await receiver
      .waitFor(() => hasCallAndParent("inventory") && hasCallAndParent("products"), 15_000)
      .then(() => traceOf(root.traceId));
    for (const callee of ["products", "inventory"]) {
      const server = serverSpan(trace, callee)!;
      expect(
        trace.find((s) => s.spanId === server.parentSpanId),
        callee,
      ).toMatchObject({ service: "orders", kind: SPAN_KIND_CLIENT });
    }
  });
});
