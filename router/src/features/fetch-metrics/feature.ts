import { defineFeature } from "../feature.ts";

/** Times every fetch from a subgraph for the query plan (retries included) and counts those that did not succeed. */
export const fetchMetricsFeature = defineFeature({
  name: "fetchMetrics",
  // Inside the failure answer, so a failed fetch still counts as failed.
  after: ["failureResponse"],
  before: ["authentication", "subgraphSigning", "headers"],
  create: (_settings, { metrics }) =>
    metrics && {
      subgraphCall:
        (next, { name: subgraph }) =>
        async (call) => {
          const started = performance.now();
          let outcome = "failed";
          try {
            const response = await next(call);
            outcome = response.errors?.length ? "errors" : "ok";
            return response;
          } finally {
            metrics.subgraphFetchDuration.observe({ subgraph, outcome }, (performance.now() - started) / 1000);
            if (outcome !== "ok") metrics.subgraphFetchErrors.inc({ subgraph, kind: outcome });
          }
        },
    },
});
