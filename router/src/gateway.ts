import type { GatewayInterface } from "@apollo/server-gateway-interface";
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions, type SupergraphSdlHook } from "@apollo/gateway";
import { Kind } from "graphql";
import type { Logger } from "@store/service-kit";
import type { BreakerState } from "./circuit-breaker.ts";
import type { RouterConfig } from "./config.ts";
import type { RouterContext } from "./context.ts";
import { createPlanExecutor } from "./execution/executor.ts";
import { answerFailuresWithErrors } from "./failure-response.ts";
import { createFetchPolicy, type FetchPolicy } from "./fetch-policy.ts";
import { countingPlanCache, observeFetches, type RouterMetrics } from "./metrics.ts";
import { HeaderBag } from "./header-bag.ts";
import { createSubgraphFetcher, type SubgraphFetcher } from "./subgraph-fetcher.ts";
import { sendSubgraphRequest } from "./subgraph-request.ts";
import { forwardedRequestHeaders } from "./policy/header-rules.ts";
import type { PolicyStage } from "./policy/stage.ts";

/**
 * Calls one subgraph for the query plan: the client's request id on every fetch (so logs line up
 * across services), and the subgraph's fetch policy (deadline, retries of queries, circuit breaker)
 * around each HTTP attempt. Failures leave as SubgraphFailure; answerFailuresWithErrors turns them
 * into errors with paths.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    readonly subgraphName: string,
    readonly policy: FetchPolicy,
    readonly stages: PolicyStage[],
    readonly subgraphFetcher: SubgraphFetcher,
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<RouterContext>>[0],
    readonly responseStages: PolicyStage[] = [],
  ) {
    super(options);
  }

  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    const { request } = options;
    const headers = new HeaderBag(request.http?.headers as never);
    headers.set("content-type", "application/json");
    request.http = { method: "POST", url: this.url, headers: headers as never };
    await this.willSendRequest(options);
    // The stages see (and may add to, as signing does) the very record that is sent.
    const sent = headers.record;
    const { query, variables, operationName, extensions } = request;
    const body = JSON.stringify({ query, variables, operationName, extensions });
    const context = options.context as RouterContext | undefined;
    for (const stage of this.stages) stage.subgraphRequest?.({ subgraph: this.subgraphName, context, headers: sent, body });
    // Only when a stage reads response headers (header rules), so the common path stays as it was.
    const onResponseHeaders = this.responseStages.length && context ? (headers: Headers) => this.responseStages.forEach((stage) => stage.subgraphResponse!({ subgraph: this.subgraphName, context, headers })) : undefined;
    return this.policy.run(isQuery(options), (signal) =>
      sendSubgraphRequest({ subgraph: this.subgraphName, url: this.url, fetcher: this.subgraphFetcher, request, body, headers: sent, signal, onResponseHeaders }),
    );
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    if (context?.requestId) request.http?.headers.set("x-request-id", context.requestId);
  }
}

/**
 * Only queries may be retried. The plan's document says which kind a fetch is when the planner keeps
 * one; by default it sends only the text, which starts with `query`, `mutation` or `{`.
 */
function isQuery(options: GraphQLDataSourceProcessOptions<RouterContext>): boolean {
  const document = "document" in options ? options.document : undefined;
  const operation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation?.kind === Kind.OPERATION_DEFINITION) return operation.operation === "query";
  return /^\s*(\{|query\b)/.test(options.request.query ?? "");
}

/**
 * `supergraphSdl`: a fixed SDL (file mode) or a hook that follows the registry. `executor: "stock"`
 * runs @apollo/gateway's own executor instead of the router's (the tests compare the two).
 */
export function createGateway(
  config: RouterConfig,
  supergraphSdl: string | SupergraphSdlHook,
  logger: Logger,
  metrics?: RouterMetrics,
  stages: PolicyStage[] = [],
  { executor: executorKind = "router" }: { executor?: "router" | "stock" } = {},
) {
  const pools: Array<{ close(): Promise<void> }> = [];
  const breakers = new Map<string, FetchPolicy["breaker"]>();
  const services = new Map<string, SubgraphDataSource>();
  // @apollo/gateway otherwise sends data-collection metrics to Apollo (and probes cloud metadata
  // hosts) from every router; nothing leaves the machine unless an operator opts back in.
  process.env.APOLLO_TELEMETRY_DISABLED ??= "true";
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    ...(metrics && { queryPlannerConfig: { cache: countingPlanCache(metrics) } }),
    buildService: ({ name, url }) => {
      // A registry update rebuilds every service: reuse the one already built for the same URL,
      // so pools and circuit states survive a supergraph swap.
      const key = `${name}\n${url ?? ""}`;
      let service = services.get(key);
      if (!service) services.set(key, (service = buildSubgraphService(name, url)));
      return service;
    },
  });

  function buildSubgraphService(name: string, url: string | undefined) {
    const override = config.subgraphs[name];
    const timeoutMs = override?.timeoutMs ?? config.traffic.subgraphTimeoutMs;
    const pool = createSubgraphFetcher({ connections: config.traffic.maxConnectionsPerSubgraph });
    pools.push(pool);
    const policy = createFetchPolicy({
      subgraph: name,
      timeoutMs,
      retry: { ...config.traffic.retry, ...override?.retry },
      breaker: { ...config.traffic.circuitBreaker, ...override?.circuitBreaker },
    });
    breakers.set(name, policy.breaker);
    policy.breaker.onStateChange((state) => logger[state === "closed" ? "info" : "warn"]({ subgraph: name, circuit: state }, `${name} circuit ${state}`));
    const source = new SubgraphDataSource(
      name,
      policy,
      stages.filter((stage) => stage.subgraphRequest),
      pool.fetcher,
      { url: override?.url ?? url },
      stages.filter((stage) => stage.subgraphResponse),
    );
    // Outermost, so the fetch metrics still count a failure as failed.
    return answerFailuresWithErrors(metrics ? observeFetches(source, name, metrics) : source, (failure, { context }) => {
      const requestId = (context as RouterContext | undefined)?.requestId;
      if (failure.kind !== "circuit-open") logger.warn({ requestId, subgraph: name, reason: failure.kind, detail: failure.detail }, "subgraph fetch failed");
    });
  }

  // Apollo's planner and supergraph handling, the router's own plan runner (router/src/execution).
  const routed: GatewayInterface = {
    async load(options) {
      const loaded = await gateway.load(options);
      if (executorKind === "stock") return loaded;
      const executor = createPlanExecutor({
        gateway,
        stock: loaded.executor,
        onPlanCacheLookup: (hit) => metrics?.queryPlanCache.inc({ result: hit ? "hit" : "miss" }),
        ...(config.traffic.mergeIdenticalQueries && {
          mergeIdenticalQueries: { forwardedHeaders: forwardedRequestHeaders(config.headers), onMerged: () => metrics?.mergedQueries.inc() },
        }),
      });
      return { schema: loaded.schema, executor };
    },
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
  };

  return {
    gateway: routed,
    closePools: () => Promise.all(pools.map((p) => p.close())),
    /** Each subgraph's circuit state, for the readiness report (informative: it never fails readiness). */
    circuits: (): Record<string, BreakerState> => Object.fromEntries([...breakers].map(([name, breaker]) => [name, breaker.state])),
  };
}
