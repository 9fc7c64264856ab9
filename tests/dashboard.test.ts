import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createServiceMetrics } from "@store/service-kit";
import { createEntityCacheMetrics, createRouterMetrics } from "@store/router";

/** The Grafana dashboard in the repo only charts series the services really export. */
const file = fileURLToPath(new URL("../observability/grafana/supergraph-dashboard.json", import.meta.url));
const dashboard = JSON.parse(readFileSync(file, "utf8"));
const panels: Array<Record<string, any>> = dashboard.panels.filter((p: { type: string }) => p.type !== "row");

async function exportedSeries(): Promise<Set<string>> {
  const service = createServiceMetrics("any");
  createRouterMetrics(service);
  createEntityCacheMetrics(service.registry);
  const names = new Set<string>(["up"]); // written by Prometheus itself for every target
  for (const metric of await service.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(metric.name + suffix);
  }
  return names;
}

describe("Grafana dashboard", () => {
  it("is a dashboard with a Prometheus datasource variable used by every panel", () => {
    expect(dashboard).toMatchObject({ uid: expect.any(String), title: expect.any(String), schemaVersion: expect.any(Number) });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }),
    );
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
    }
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("queries only metrics the router and subgraphs export", async () => {
    const exported = await exportedSeries();
    const referenced = new Set<string>();
    for (const panel of panels) {
      for (const target of panel.targets) {
        // A metric name is an identifier followed by a label selector or a range.
        for (const match of (target.expr as string).matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)) referenced.add(match[1]!);
      }
    }
    expect([...referenced].filter((name) => !exported.has(name))).toEqual([]);
    for (const name of [
      "graphql_requests_total",
      "graphql_request_duration_seconds_bucket",
      "subgraph_fetch_duration_seconds_bucket",
      "subgraph_fetch_errors_total",
      "query_plan_cache_lookups_total",
      "db_queries_total",
      "graphql_errors_total",
    ]) {
      expect(referenced, name).toContain(name);
    }
  });
});
