import type { GatewayExecutionResult, GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import type { GraphQLDataSource } from "@apollo/gateway/dist/datasources/types.js";
import type { PlanNode, SubscriptionNode } from "@apollo/query-planner";
import { ErrorCode, codedError } from "@store/wire";
import type { RouterContext } from "../context.ts";
import { EntityBatcher } from "./entity-batching.ts";
import { executePlanNode, type PlanRun } from "./execute-plan.ts";
import type { GatewayState } from "./gateway-state.ts";
import { GraphQLError } from "./graphql-error.ts";
import type { PreparedOperation } from "./prepared-operations.ts";
import { shapeResponse } from "./result-shaping.ts";

/** One event of the subgraph that owns the subscription field: its GraphQL response. */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }>;
}

/** What a transport (WebSocket, SSE, multipart) gets when a subscription plan starts. */
export interface SubscriptionStart {
  /** The subgraph serving the subscription field, and the request to subscribe it with. */
  subgraph: string;
  /** The subgraph's HTTP URL (its data source's); the WebSocket is on the same path. */
  url: string;
  request: { query: string; variables: Record<string, unknown>; operationName?: string };
  /** Turns one upstream event into the client's full result: the rest of the plan runs for it. */
  resolve(event: UpstreamEvent): Promise<GatewayExecutionResult>;
}

/** Set on the context by a subscription transport; absent on plain HTTP, where subscriptions are refused. */
export type SubscriptionSink = (start: SubscriptionStart) => void;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Runs a subscription's plan (`primary` fetch from the owning subgraph, `rest` for the federated
 * fields): the primary becomes an upstream subscription the transport opens, and each event runs
 * through the same plan runner as a query, the event standing in for the primary's response, so
 * entity fetches of one event are batched as a query's are.
 */
export function startSubscription(
  state: GatewayState,
  prepared: PreparedOperation,
  requestContext: GatewayGraphQLRequestContext<any>,
): GatewayExecutionResult {
  const sink = (requestContext.context as RouterContext & { subscription?: SubscriptionSink }).subscription;
  if (!sink) {
    return {
      errors: [
        codedError(
          ErrorCode.OPERATION_TYPE_NOT_SUPPORTED,
          'Subscriptions are served over WebSocket (graphql-transport-ws), Server-Sent Events or multipart HTTP (Accept: multipart/mixed;subscriptionSpec="1.0"), not a plain POST.',
        ),
      ],
    };
  }
  const node = prepared.plan.node as SubscriptionNode;
  const { primary, rest } = node;
  const given = requestContext.request.variables ?? {};
  const variables: Record<string, unknown> = {};
  for (const name of primary.variableUsages ?? []) if (hasOwn.call(given, name) && given[name] !== undefined) variables[name] = given[name];
  sink({
    subgraph: primary.serviceName,
    url: (state.serviceMap[primary.serviceName] as { url?: string } | undefined)?.url ?? "",
    request: { query: primary.operation, variables, ...(primary.operationName && { operationName: primary.operationName }) },
    resolve: (event) => resolveEvent(state, prepared, requestContext, primary, rest, event),
  });
  return {};
}

async function resolveEvent(
  state: GatewayState,
  prepared: PreparedOperation,
  requestContext: GatewayGraphQLRequestContext<any>,
  primary: SubscriptionNode["primary"],
  rest: PlanNode | undefined,
  event: UpstreamEvent,
): Promise<GatewayExecutionResult> {
  const real = state.serviceMap[primary.serviceName];
  let delivered = false;
  // The primary's "fetch" answers with the event once; any later fetch to that subgraph is a real one.
  const eventSource = {
    process: (options: unknown) => {
      if (delivered) return real!.process(options as never);
      delivered = true;
      return Promise.resolve(event);
    },
  } as unknown as GraphQLDataSource;
  const data = Object.create(null);
  const run: PlanRun = {
    serviceMap: { ...state.serviceMap, [primary.serviceName]: eventSource },
    supergraphSchema: state.supergraphSchema,
    variables: requestContext.request.variables,
    variableDefinitions: prepared.operation.variableDefinitions,
    requestContext,
    errors: [],
    mergeable: prepared.mergeable,
    batcher: new EntityBatcher(),
  };
  const cursor = { path: [], data, fullResult: data };
  await executePlanNode(run, primary, cursor);
  if (rest) await executePlanNode(run, rest, cursor);
  let shaped;
  try {
    shaped = shapeResponse(prepared.shape, data, requestContext.request.variables);
  } catch (error) {
    return {
      errors: [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error })],
    };
  }
  return run.errors.length === 0 ? { data: shaped.data } : { errors: run.errors, data: shaped.data };
}
