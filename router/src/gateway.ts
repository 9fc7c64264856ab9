import type { GatewayInterface } from "@apollo/server-gateway-interface";
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions, type SupergraphSdlHook } from "@apollo/gateway";
import type { Logger } from "@store/service-kit";
import type { RouterConfig } from "./config.ts";
import type { RouterContext } from "./context.ts";
import { createPlanExecutor } from "./execution/executor.ts";
import { forwardedRequestHeaders } from "./features/header-rules/header-rules.ts";
import { countingPlanCache, type RouterMetrics } from "./metrics.ts";
import { composeSubgraphCall, type SubgraphCallHandler, type SubgraphCallWrapper } from "./subgraph-call/call.ts";
import { createSubgraphFetcher } from "./subgraph-call/fetcher.ts";
import { HeaderBag } from "./subgraph-call/header-bag.ts";
import { sendSubgraphRequest } from "./subgraph-call/send.ts";
import { withDeferDirective } from "./features/defer/api-schema.ts";

/**
 * Calls one subgraph for the query plan: the client's request id on every fetch (so logs line up
 * across services), then the one chain of the features' subgraphCall wrappers around the HTTP attempt.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    readonly call: SubgraphCallHandler,
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<RouterContext>>[0],
  ) {
    super(options);
  }

  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    const { request } = options;
    const headers = new HeaderBag(request.http?.headers as never);
    headers.set("content-type", "application/json");
    request.http = { method: "POST", url: this.url, headers: headers as never };
    await this.willSendRequest(options);
    const { query, variables, operationName, extensions } = request;
    const body = JSON.stringify({ query, variables, operationName, extensions });
    // The wrappers see (and may add to, as signing does) the very record that is sent.
    // Every field set from the start, so each call object has the same shape whatever the wrappers set.
    return this.call({
      options,
      context: options.context as RouterContext | undefined,
      headers: headers.record,
      body,
      signal: undefined,
      onResponseHeaders: undefined,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    if (context?.requestId) request.http?.headers.set("x-request-id", context.requestId);
  }
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
  /** The features' subgraphCall wrappers, outermost first. */
  subgraphCalls: readonly SubgraphCallWrapper[] = [],
  { executor: executorKind = "router" }: { executor?: "router" | "stock" } = {},
) {
  const pools: Array<{ close(): Promise<void> }> = [];
  const services = new Map<string, SubgraphDataSource>();
  // @apollo/gateway otherwise sends data-collection metrics to Apollo (and probes cloud metadata
  // hosts) from every router; nothing leaves the machine unless an operator opts back in.
  process.env.APOLLO_TELEMETRY_DISABLED ??= "true";
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    queryPlannerConfig: {
      ...(metrics && { cache: countingPlanCache(metrics) }),
      ...(config.defer.enabled && { incrementalDelivery: { enableDefer: true } }),
    },
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
    const routingUrl = config.subgraphs[name]?.url ?? url;
    const target = { name, url: routingUrl ?? "" };
    const pool = createSubgraphFetcher({ connections: config.traffic.maxConnectionsPerSubgraph });
    pools.push(pool);
    const send: SubgraphCallHandler = (call) =>
      sendSubgraphRequest({
        subgraph: name,
        url: target.url,
        fetcher: pool.fetcher,
        request: call.options.request,
        body: call.body,
        headers: call.headers,
        signal: call.signal,
        onResponseHeaders: call.onResponseHeaders,
      });
    return new SubgraphDataSource(composeSubgraphCall(subgraphCalls, send, target), { url: routingUrl });
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
        onDeferTiming: (part, seconds) => metrics?.deferPartSeconds.observe({ part }, seconds),
        ...(config.traffic.mergeIdenticalQueries && {
          mergeIdenticalQueries: {
            forwardedHeaders: forwardedRequestHeaders(config.headers),
            onMerged: () => metrics?.mergedQueries.inc(),
          },
        }),
      });
      return { schema: config.defer.enabled ? withDeferDirective(loaded.schema) : loaded.schema, executor };
    },
    onSchemaLoadOrUpdate: (callback) =>
      gateway.onSchemaLoadOrUpdate(
        config.defer.enabled && executorKind === "router"
          ? ({ apiSchema, coreSupergraphSdl }) => callback({ apiSchema: withDeferDirective(apiSchema), coreSupergraphSdl })
          : callback,
      ),
    stop: () => gateway.stop(),
  };

  return {
    gateway: routed,
    closePools: () => Promise.all(pools.map((p) => p.close())),
  };
}
