import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { boundedLabel } from "./label-bound.ts";

/** Distinct operation names a service labels its series with; later names are counted as "other". */
export const MAX_OPERATION_LABELS = 200;
/** Distinct error codes kept as labels; the set is closed, so this only guards against surprises. */
export const MAX_ERROR_CODE_LABELS = 50;

/** Seconds: GraphQL requests range from sub-millisecond cache hits to multi-second fan-outs. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One registry per service instance, so several services can share a process in tests. */
export function createServiceMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    /** Operation name as a label value: the name, "anonymous", "unknown" (never resolved) or "other". */
    operationLabel: boundedLabel(MAX_OPERATION_LABELS),
    errorCodeLabel: boundedLabel(MAX_ERROR_CODE_LABELS, "OTHER"),
    httpRequests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests by route and status code",
      labelNames: ["route", "status"],
      registers: [registry],
    }),
    graphqlRequests: new Counter({
      name: "graphql_requests_total",
      help: "GraphQL requests by operation name and outcome (ok, partial: data with errors, error: no data)",
      labelNames: ["operation", "outcome"],
      registers: [registry],
    }),
    graphqlRequestDuration: new Histogram({
      name: "graphql_request_duration_seconds",
      help: "Time from a GraphQL request's arrival to its response, by operation name and outcome",
      labelNames: ["operation", "outcome"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: "graphql_errors_total",
      help: "Errors in GraphQL responses by extensions.code (UNAUTHENTICATED, rate limits, PAYLOAD_TOO_LARGE, ...)",
      labelNames: ["code"],
      registers: [registry],
    }),
    dbQueries: new Counter({
      name: "db_queries_total",
      help: "SQL statements the service sent to its database",
      registers: [registry],
    }),
    dbQueryDuration: new Histogram({
      name: "db_query_duration_seconds",
      help: "Duration of SQL statements",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
  };
}

export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;
