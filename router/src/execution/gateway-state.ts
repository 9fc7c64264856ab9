import type { ApolloGateway, GraphQLDataSource } from "@apollo/gateway";
import type { Schema } from "@apollo/federation-internals";
import type { QueryPlanner } from "@apollo/query-planner";
import type { GraphQLSchema } from "graphql";

/**
 * What the executor needs from the ApolloGateway it sits on: the planner and schemas it loaded
 * from the supergraph (and swaps on a registry update) and its subgraph data sources. ApolloGateway
 * keeps them in fields without a public getter; this is the one place that reads them, so a
 * gateway upgrade that renames one fails here (and in the unit tests), not somewhere inside a request.
 */
export interface GatewayState {
  queryPlanner: QueryPlanner;
  /** The client-facing API schema, as federation-internals models it (for planning and shaping). */
  apiSchema: Schema;
  /** The same API schema in graphql-js form (variable coercion), as Apollo Server serves it. */
  schema: GraphQLSchema;
  supergraphSchema: GraphQLSchema;
  serviceMap: Record<string, GraphQLDataSource>;
  planOptions: { recursiveSelectionsLimitDisabled: boolean; nonLocalSelectionsLimitDisabled: boolean };
}

interface GatewayFields {
  queryPlanner?: QueryPlanner;
  apiSchema?: Schema;
  schema?: GraphQLSchema;
  supergraphSchema?: GraphQLSchema;
  serviceMap: Record<string, { dataSource: GraphQLDataSource }>;
  recursiveSelectionsLimitDisabled?: boolean;
  nonLocalSelectionsLimitDisabled?: boolean;
}

export function gatewayStateReader(gateway: ApolloGateway): () => GatewayState {
  const fields = gateway as unknown as GatewayFields;
  let last: GatewayState | undefined;
  return () => {
    const { queryPlanner, apiSchema, schema, supergraphSchema } = fields;
    if (!queryPlanner || !apiSchema || !schema || !supergraphSchema)
      throw new Error("The gateway has no supergraph loaded (or its internals changed)");
    // A new planner means a new supergraph (and possibly new data sources): rebuild, else reuse.
    if (last?.queryPlanner !== queryPlanner || last.schema !== schema) {
      last = {
        queryPlanner,
        apiSchema,
        schema,
        supergraphSchema,
        serviceMap: Object.fromEntries(Object.entries(fields.serviceMap).map(([name, { dataSource }]) => [name, dataSource])),
        planOptions: {
          recursiveSelectionsLimitDisabled: !!fields.recursiveSelectionsLimitDisabled,
          nonLocalSelectionsLimitDisabled: !!fields.nonLocalSelectionsLimitDisabled,
        },
      };
    }
    return last;
  };
}
