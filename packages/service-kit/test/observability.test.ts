import { describe, expect, it } from "vitest";
import { loadSubgraphConfig } from "../src/config.ts";
import { boundedLabel } from "../src/label-bound.ts";
import { MAX_OPERATION_LABELS, createServiceMetrics } from "../src/metrics.ts";
import { outcomeOf } from "../src/request-observation.ts";
import { tracesUrl } from "../src/tracing.ts";

describe("label cardinality bound", () => {
  it("passes the first names, then folds new ones into 'other' while known ones keep their label", () => {
    const label = boundedLabel(3);
    expect(["A", "B", "A", "C"].map(label)).toEqual(["A", "B", "A", "C"]);
    expect(label("D")).toBe("other");
    expect(label("E")).toBe("other");
    expect(label("B")).toBe("B");
  });

  it("cuts very long values", () => {
    expect(boundedLabel(10, "other", 5)("abcdefghij")).toBe("abcde");
  });

  it("keeps a service's graphql_requests_total to MAX_OPERATION_LABELS operations however many names clients send", async () => {
    const metrics = createServiceMetrics("test");
    for (let i = 0; i < MAX_OPERATION_LABELS + 300; i++) {
      metrics.graphqlRequests.inc({ operation: metrics.operationLabel(`Op${i}`), outcome: "ok" });
    }
    const series = (await metrics.graphqlRequests.get()).values;
    expect(series).toHaveLength(MAX_OPERATION_LABELS + 1);
    expect(series.find((s) => s.labels.operation === "other")?.value).toBe(300);
    expect(series.find((s) => s.labels.operation === "Op0")?.value).toBe(1);
  });
});

describe("request outcome", () => {
  it("is ok without errors, partial with data and errors, error without data", () => {
    expect(outcomeOf({ errorCodes: [], hasData: true })).toBe("ok");
    expect(outcomeOf({ errorCodes: ["SERVICE_UNAVAILABLE"], hasData: true })).toBe("partial");
    expect(outcomeOf({ errorCodes: ["GRAPHQL_VALIDATION_FAILED"], hasData: false })).toBe("error");
  });
});

describe("tracing settings", () => {
  it("are off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (an empty value counts as unset)", () => {
    expect(loadSubgraphConfig("products", 4002, {}).tracing).toEqual({ endpoint: undefined, sampleRatio: 1, scheduleDelayMs: 5000 });
    expect(
      loadSubgraphConfig("products", 4002, { OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_TRACES_SAMPLER_ARG: "" }).tracing.endpoint,
    ).toBeUndefined();
  });

  it("read the standard OpenTelemetry variables", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_SAMPLER_ARG: "0.25", OTEL_BSP_SCHEDULE_DELAY: "200" };
    expect(loadSubgraphConfig("products", 4002, env).tracing).toEqual({
      endpoint: "http://collector:4318",
      sampleRatio: 0.25,
      scheduleDelayMs: 200,
    });
  });

  it("reject a bad endpoint or ratio with the variable named", () => {
    expect(() => loadSubgraphConfig("products", 4002, { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
    expect(() => loadSubgraphConfig("products", 4002, { OTEL_TRACES_SAMPLER_ARG: "2" })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it("send traces to the endpoint's /v1/traces path", () => {
    expect(tracesUrl("http://collector:4318")).toBe("http://collector:4318/v1/traces");
    expect(tracesUrl("http://collector:4318/otlp/")).toBe("http://collector:4318/otlp/v1/traces");
  });
});
