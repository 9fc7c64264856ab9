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
import { executeIncrementally, mergedDefer } from "./defer-execution.ts";
import { PayloadStream, acceptsIncrementalDelivery, deliverLater } from "./incremental-delivery.ts";

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
  /** Seconds from the start of execution to a @defer operation's initial payload, and to its last part. */
  onDeferTiming?: (part: "first" | "last", seconds: number) => void;
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
  onDeferTiming,
}: PlanExecutorOptions): GatewayExecutor {
  const readState = gatewayStateReader(gateway);
  const cache = new PreparedOperationCache(maxPreparedOperations, onPlanCacheLookup);
  const merging = mergeIdenticalQueries && { ...mergeIdenticalQueries, inFlight: new InFlightQueries() };

  return async (requestContext: GatewayGraphQLRequestContext<any>) => {
    const { request, document } = requestContext;
    // Usage traces and the query-plan debugging header are stock features this runner leaves out
    // (but for @defer, which stock cannot run).
    const toStock = requestContext.metrics?.captureTraces || request.http?.headers.get("apollo-query-plan-experimental");
    if (toStock && !hasDeferDirective(request.query)) return stock(requestContext);
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

    // A @defer operation streams its parts to a client that reads multipart/mixed;deferSpec=20220824.
    const incremental = prepared.hasDefer && acceptsIncrementalDelivery(request.http?.headers.get("accept"));
    if (subscription) return startSubscription(state, prepared, requestContext);
    const context = requestContext.context as RouterContext;
    const execute = () => executePrepared(state, prepared, requestContext, incremental, onDeferTiming);
    if (!merging || prepared.operation.rootKind !== "query") {
      const { result, stream } = await execute();
      if (stream) deliverLater(context, stream);
      return result;
    }
    const key = `${prepared.id}\n${incremental}\n${JSON.stringify(request.variables ?? {})}\n${callerKey(context.tokenClaims, context.clientHeaders, merging.forwardedHeaders)}`;
    const shared = await merging.inFlight.run(
      key,
      async () => {
        const { result, stream } = await execute();
        return { result, stream, responseHeaders: context.responseHeaders };
      },
      merging.onMerged,
    );
    if (shared.responseHeaders !== context.responseHeaders)
      for (const [name, value] of shared.responseHeaders) context.responseHeaders.set(name, value);
    // Every follower reads the leader's deferred parts from the first.
    if (shared.stream) deliverLater(context, shared.stream as PayloadStream);
    return shared.result;
  };
}

/** Whether the query text may hold @defer (cheap: decides only whether stock may run it). */
const hasDeferDirective = (query: string | undefined) => !!query && query.includes("@defer");

interface Executed {
  result: GatewayExecutionResult;
  /** The deferred parts still to come (incremental delivery). */
  stream?: PayloadStream;
}

/** Runs a prepared operation's plan and shapes the client's result. */
function executePrepared(
  state: GatewayState,
  prepared: PreparedOperation,
  requestContext: GatewayGraphQLRequestContext<any>,
  incremental: boolean,
  onDeferTiming: PlanExecutorOptions["onDeferTiming"],
): Promise<Executed> {
  const { request } = requestContext;
  return withSpan("gateway.execute", {}, async (): Promise<Executed> => {
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
    if (incremental) return executeWithParts(prepared, run, data, request.variables, onDeferTiming);
    if (prepared.hasDefer) run.defer = mergedDefer(run);
    if (prepared.plan.node) await executePlanNode(run, prepared.plan.node as PlanNode, { path: [], data, fullResult: data });
    return { result: shapedResult(prepared, data, request.variables, run.errors) };
  });
}

function shapedResult(
  prepared: PreparedOperation,
  data: Record<string, unknown>,
  variables: Record<string, unknown> | undefined,
  errors: PlanRun["errors"],
  omitDeferred = false,
): GatewayExecutionResult {
  let shaped;
  try {
    shaped = shapeResponse(prepared.shape, data, variables, { omitDeferred });
  } catch (error) {
    return {
      errors: [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error })],
    };
  }
  if (errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
  return errors.length === 0 ? { data: shaped.data } : { errors, data: shaped.data };
}

/** The initial payload now, the deferred parts into a stream as each is ready. */
async function executeWithParts(
  prepared: PreparedOperation,
  run: PlanRun,
  data: Record<string, unknown>,
  variables: Record<string, unknown> | undefined,
  onDeferTiming: PlanExecutorOptions["onDeferTiming"],
): Promise<Executed> {
  const started = performance.now();
  const stream = new PayloadStream();
  const seconds = () => (performance.now() - started) / 1000;
  const execution = await executeIncrementally({
    base: run,
    prepared,
    data,
    variables,
    stream,
    onFinished: () => onDeferTiming?.("last", seconds()),
  });
  const result = shapedResult(prepared, data, variables, execution.errors, true);
  onDeferTiming?.("first", seconds());
  // No deferred part after all (every @defer's `if` was false): one ordinary response.
  if (!execution.start((result.data as Record<string, unknown> | null | undefined) ?? null)) return { result };
  return { result, stream };
}
