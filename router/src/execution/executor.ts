import type { ApolloGateway } from "@apollo/gateway";
import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import type { RouterContext } from "../context.ts";
import type { PlanNode } from "@apollo/query-planner";
import { GraphQLError } from "./graphql-error.ts";
import { getVariableValues } from "graphql/execution/values.js";
import { EntityBatcher } from "./entity-batching.ts";
import { executePlanNode, type PlanRun } from "./execute-plan.ts";
import { gatewayStateReader, type GatewayState } from "./gateway-state.ts";
import { PreparedOperationCache, type PreparedOperation } from "./prepared-operations.ts";
import { InFlightQueries, callerKey } from "./query-merging.ts";
import { shapeResponse } from "./result-shaping.ts";
import { withSpan } from "./spans.ts";
import { startSubscription } from "./subscription-plan.ts";

export interface PlanExecutorOptions {
  gateway: ApolloGateway;
  /** The gateway's own executor: it runs what this one leaves alone (@defer, introspection, usage traces). */
  stock: GatewayExecutor;
  /** Prepared operations kept (plans plus compiled result shapes). */
  maxPreparedOperations?: number;
  onPlanCacheLookup?: (hit: boolean) => void;
  /** Identical queries in flight share one execution (query-merging.ts); off when absent. */
  mergeIdenticalQueries?: {
    /** Client headers that header rules forward to some subgraph: part of what makes two requests identical. */
    forwardedHeaders: readonly string[];
    onMerged?: () => void;
  };
}

/**
 * The router's executor: plans with @apollo/query-planner (through the gateway's planner, so
 * planning and supergraph handling stay Apollo's), caches each plan with a compiled result shape,
 * and runs it with its own plan runner. The operation comes from Apollo Server's request context
 * (`document`, `operationName`), so an earlier pipeline step may hand it a rewritten document.
 */
export function createPlanExecutor({
  gateway,
  stock,
  maxPreparedOperations = 2000,
  onPlanCacheLookup = () => undefined,
  mergeIdenticalQueries,
}: PlanExecutorOptions): GatewayExecutor {
  const readState = gatewayStateReader(gateway);
  const cache = new PreparedOperationCache(maxPreparedOperations, onPlanCacheLookup);
  const merging = mergeIdenticalQueries && { ...mergeIdenticalQueries, inFlight: new InFlightQueries() };

  return async (requestContext: GatewayGraphQLRequestContext<any>) => {
    const { request, document } = requestContext;
    // Usage traces and the query-plan debugging header are stock features this runner leaves out.
    if (requestContext.metrics?.captureTraces || request.http?.headers.get("apollo-query-plan-experimental")) return stock(requestContext);
    const state = readState();
    let prepared;
    try {
      prepared = cache.get(state, document, request.operationName);
    } catch {
      // Stock gives the exact error (unknown operation name, planning failure) and its span.
      return stock(requestContext);
    }
    const subscription = prepared.plan.node?.kind === "Subscription";
    if (prepared.leaveToStock && !subscription) return stock(requestContext);

    const variableDefinitions = prepared.definition.variableDefinitions;
    if (variableDefinitions?.length) {
      const { errors } = getVariableValues(state.schema, variableDefinitions, request.variables ?? {});
      if (errors) return { errors };
    }

    if (subscription) return startSubscription(state, prepared, requestContext);
    const execute = () => executePrepared(state, prepared, requestContext);
    if (!merging || prepared.operation.rootKind !== "query") return execute();
    const context = requestContext.context as RouterContext;
    const key = `${prepared.id}\n${JSON.stringify(request.variables ?? {})}\n${callerKey(context.tokenClaims, context.clientHeaders, merging.forwardedHeaders)}`;
    const shared = await merging.inFlight.run(
      key,
      async () => ({ result: await execute(), responseHeaders: context.responseHeaders }),
      merging.onMerged,
    );
    if (shared.responseHeaders !== context.responseHeaders)
      for (const [name, value] of shared.responseHeaders) context.responseHeaders.set(name, value);
    return shared.result;
  };
}

/** Runs a prepared operation's plan and shapes the client's result. */
function executePrepared(
  state: GatewayState,
  prepared: PreparedOperation,
  requestContext: GatewayGraphQLRequestContext<any>,
): Promise<GatewayExecutionResult> {
  const { request } = requestContext;
  return withSpan("gateway.execute", {}, async (): Promise<GatewayExecutionResult> => {
    const data = Object.create(null);
    const run: PlanRun = {
      serviceMap: state.serviceMap,
      supergraphSchema: state.supergraphSchema,
      variables: request.variables,
      variableDefinitions: prepared.operation.variableDefinitions,
      requestContext,
      errors: [],
      mergeable: prepared.mergeable,
      batcher: new EntityBatcher(),
    };
    if (prepared.plan.node) await executePlanNode(run, prepared.plan.node as PlanNode, { path: [], data, fullResult: data });
    let shaped;
    try {
      shaped = shapeResponse(prepared.shape, data, request.variables);
    } catch (error) {
      return {
        errors: [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error })],
      };
    }
    if (run.errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return run.errors.length === 0 ? { data: shaped.data } : { errors: run.errors, data: shaped.data };
  });
}
