import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { GraphQLError } from "graphql";
import { ErrorCode, type Logger } from "@store/service-kit";
import type { RouterConfig } from "./config.ts";
import type { RouterContext } from "./context.ts";
import { createSubgraphFetcher } from "./subgraph-fetcher.ts";

/** Sends each subgraph request with the client's request id, so logs line up across services. */
class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(readonly subgraphName: string, options: ConstructorParameters<typeof RemoteGraphQLDataSource<RouterContext>>[0]) {
    super(options);
  }

  /** A subgraph that cannot be reached gets a coded error naming it, instead of "fetch failed". */
  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    try {
      return await super.process(options);
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      const reason = (error as Error).name === "TimeoutError" ? "it did not answer in time" : "it could not be reached";
      throw new GraphQLError(`The ${this.subgraphName} subgraph is unavailable: ${reason}.`, {
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: this.subgraphName },
      });
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    if (context?.requestId) request.http?.headers.set("x-request-id", context.requestId);
  }
}

export function createGateway(config: RouterConfig, supergraphSdl: string, logger: Logger) {
  const pools: Array<{ close(): Promise<void> }> = [];
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: ({ name, url }) => {
      const override = config.subgraphs[name];
      const pool = createSubgraphFetcher({
        timeoutMs: override?.timeoutMs ?? config.traffic.subgraphTimeoutMs,
        connections: config.traffic.maxConnectionsPerSubgraph,
      });
      pools.push(pool);
      return new SubgraphDataSource(name, { url: override?.url ?? url, fetcher: pool.fetcher });
    },
  });
  return { gateway, closePools: () => Promise.all(pools.map((p) => p.close())) };
}
