import { describe, expect, inject, it } from "vitest";
import { graphql, readCounter } from "../support/graphql.ts";

/** Prometheus metrics on the router and the subgraphs, read from their /metrics pages after real traffic. */
const routerUrl = inject("routerUrl");
const subgraphUrls = inject("subgraphUrls");
const metricsText = async (graphqlUrl: string) => (await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"))).text();

/** The sum of a subgraph's series for the operations the router generated from `name` (Name__products__0...). */
function subgraphOperationCount(text: string, metric: string, name: string, service: string): number {
  const series = new RegExp(`^${metric}\\{operation="${name}__${service}__\\d+",outcome="ok",service="${service}"\\} (\\d+)$`, "gm");
  return [...text.matchAll(series)].reduce((sum, match) => sum + Number(match[1]), 0);
}

describe("metrics", () => {
  it("label requests with the operation name on the router and on every subgraph the plan touched", async () => {
    // A name of its own, so its first request is certainly planned and the second certainly cached.
    const name = `MetricsProbe${Date.now().toString(36)}`;
    const query = `query ${name} { product(id: "prd_0001") { name inStock averageRating } }`;
    const before = {
      misses: await readCounter(routerUrl, "query_plan_cache_lookups_total", { result: "miss" }),
      hits: await readCounter(routerUrl, "query_plan_cache_lookups_total", { result: "hit" }),
      fetches: await readCounter(routerUrl, "subgraph_fetch_duration_seconds_count", { subgraph: "reviews", outcome: "ok" }),
    };
    for (let i = 0; i < 2; i++) {
      const result = await graphql(routerUrl, query);
      expect(result.errors).toBeUndefined();
    }
    expect(await readCounter(routerUrl, "graphql_requests_total", { operation: name, outcome: "ok" })).toBe(2);
    expect(await readCounter(routerUrl, "graphql_request_duration_seconds_count", { operation: name, outcome: "ok" })).toBe(2);
    expect(await readCounter(routerUrl, "query_plan_cache_lookups_total", { result: "miss" })).toBe(before.misses + 1);
    expect(await readCounter(routerUrl, "query_plan_cache_lookups_total", { result: "hit" })).toBe(before.hits + 1);
    expect(
      await readCounter(routerUrl, "subgraph_fetch_duration_seconds_count", { subgraph: "reviews", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(before.fetches + 2);
    for (const service of ["products", "inventory", "reviews"]) {
      expect(subgraphOperationCount(await metricsText(subgraphUrls[service]!), "graphql_requests_total", name, service), service).toBe(2);
    }
    // Process metrics and database metrics sit on the same pages.
    expect(await metricsText(routerUrl)).toMatch(/^process_resident_memory_bytes\{service="router"\} \d+/m);
    expect(await readCounter(subgraphUrls.products!, "db_queries_total")).toBeGreaterThan(0);
    expect(await metricsText(subgraphUrls.products!)).toMatch(/^db_query_duration_seconds_count\{service="products"\} \d+/m);
  });

  it("count failures by outcome and error code, and subgraph errors by subgraph", async () => {
    const before = {
      validation: await readCounter(routerUrl, "graphql_errors_total", { code: "GRAPHQL_VALIDATION_FAILED" }),
      failedRequests: await readCounter(routerUrl, "graphql_requests_total", { operation: "TooManyProducts", outcome: "error" }),
      subgraphErrors: await readCounter(routerUrl, "subgraph_fetch_errors_total", { subgraph: "products", kind: "errors" }),
    };
    expect(
      (
        await graphql(
          routerUrl,
          `
            query NoSuchField {
              categories {
                secretMargin
              }
            }
          `,
        )
      ).status,
    ).toBe(200); // a validation error under application/json (GraphQL over HTTP spec)
    const tooMany = await graphql(
      routerUrl,
      `
        query TooManyProducts {
          products(first: 5000) {
            totalCount
          }
        }
      `,
    );
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");

    expect(await readCounter(routerUrl, "graphql_errors_total", { code: "GRAPHQL_VALIDATION_FAILED" })).toBe(before.validation + 1);
    expect(await readCounter(routerUrl, "graphql_requests_total", { operation: "NoSuchField", outcome: "error" })).toBeGreaterThanOrEqual(
      1,
    );
    expect(await readCounter(routerUrl, "graphql_requests_total", { operation: "TooManyProducts", outcome: "error" })).toBe(
      before.failedRequests + 1,
    );
    expect(await readCounter(routerUrl, "subgraph_fetch_errors_total", { subgraph: "products", kind: "errors" })).toBe(
      before.subgraphErrors + 1,
    );
  });
});
