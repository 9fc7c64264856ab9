import { Kind } from "graphql";
import { envCoercers } from "@store/service-kit";
import type { SubgraphCall } from "../../subgraph-call/call.ts";
import { defineFeature } from "../feature.ts";
import type { BreakerState } from "./circuit-breaker.ts";
import { trafficConfigSchema } from "./config.ts";
import { createFetchPolicy } from "./fetch-policy.ts";

/**
 * Only queries may be retried. The plan's document says which kind a fetch is when the planner keeps
 * one; by default it sends only the text, which starts with `query`, `mutation` or `{`.
 */
function isQuery({ options }: SubgraphCall): boolean {
  const document = "document" in options ? options.document : undefined;
  const operation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation?.kind === Kind.OPERATION_DEFINITION) return operation.operation === "query";
  return /^\s*(\{|query\b)/.test(options.request.query ?? "");
}

/** Each subgraph's fetch policy: a deadline for the whole fetch, retries of queries, and a circuit breaker per subgraph. */
export const trafficFeature = defineFeature({
  name: "traffic",
  section: trafficConfigSchema,
  env: { ROUTER_MERGE_IDENTICAL_QUERIES: { path: "mergeIdenticalQueries", coerce: envCoercers.boolean } },
  // Innermost: metrics time the whole fetch, and a retry resends the request as signed, headers included.
  after: ["fetchMetrics", "subgraphSigning", "headers"],
  create: (settings, { config, logger }) => {
    const breakers = new Map<string, () => BreakerState>();
    return {
      subgraphCall: (next, subgraph) => {
        const { name } = subgraph;
        const override = config.subgraphs[name];
        const policy = createFetchPolicy({
          subgraph: name,
          timeoutMs: override?.timeoutMs ?? settings.subgraphTimeoutMs,
          retry: { ...settings.retry, ...override?.retry },
          breaker: { ...settings.circuitBreaker, ...override?.circuitBreaker },
        });
        breakers.set(name, () => policy.breaker.state);
        policy.breaker.onStateChange((state) =>
          logger[state === "closed" ? "info" : "warn"]({ subgraph: name, circuit: state }, `${name} circuit ${state}`),
        );
        return (call) =>
          policy.run(isQuery(call), (signal) => {
            call.signal = signal;
            return next(call);
          });
      },
      checks: () => Object.fromEntries([...breakers].map(([name, state]) => [`circuit:${name}`, state()])),
    };
  },
});
