import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { type GraphQLError, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { Histogram, type Registry } from "prom-client";
import { ErrorCode, codedError } from "@store/wire";
import type { Logger } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";
import type { DemandControlConfig } from "./config.ts";
import { costModelFromSchema, costModelFromSupergraph, type CostModel } from "./cost-model.ts";
import { estimateCost } from "./estimate.ts";

/** Request header a client sends, with the value `report`, to get the estimate in `extensions.cost`. */
export const COST_REPORT_HEADER = "graphql-cost";

export function costLimitExceeded(estimatedCost: number, maxCost: number): GraphQLError {
  return codedError(
    ErrorCode.COST_LIMIT_EXCEEDED,
    `The operation's estimated cost (${estimatedCost}) is above the maximum of ${maxCost}.`,
    {
      estimatedCost,
      maxCost,
      http: { status: 400 },
    },
  );
}

/** The batch's estimated cost, the sum of its operations', above the maximum: every operation of it is refused. */
export function batchCostLimitExceeded(estimatedCost: number, maxCost: number, operations: number): GraphQLError {
  return codedError(
    ErrorCode.COST_LIMIT_EXCEEDED,
    `The batch's estimated cost (${estimatedCost}, the sum of its ${operations} operations) is above the maximum of ${maxCost}.`,
    {
      estimatedCost,
      maxCost,
      batchedOperations: operations,
      http: { status: 400 },
    },
  );
}

/**
 * The operations of one batched HTTP request, meeting before any of them runs: each adds its
 * estimate (0 when it failed before it was estimated), and once all have, `total` is their sum.
 */
interface BatchTally {
  size: number;
  arrived: number;
  sum: number;
  total: Promise<number>;
  settle(total: number): void;
}

function newTally(size: number): BatchTally {
  let settle!: (total: number) => void;
  const total = new Promise<number>((resolve) => (settle = resolve));
  return { size, arrived: 0, sum: 0, total, settle };
}

/** One supergraph's model with its per-operation cache: a new supergraph starts a new cache. */
interface ServedModel {
  model: CostModel;
  /** Estimates that did not depend on variables, per parsed operation (Apollo reuses parsed documents). */
  fixed: WeakMap<OperationDefinitionNode, number>;
}

export interface DemandControlDeps {
  config: DemandControlConfig;
  logger: Logger;
  registry?: Registry;
}

/**
 * `demandControl`: estimates each operation's cost from the served supergraph (rebuilt whenever the
 * gateway swaps one in, from the registry or otherwise) once the operation is resolved and before
 * the gateway plans it. enforce mode rejects operations above maxCost with COST_LIMIT_EXCEEDED (HTTP
 * 400); measure mode only counts and logs them. A batch (one HTTP request holding several operations)
 * is judged as a whole too: an operation above maxCost is refused on its own, and when the others'
 * sum is above it, all of them are, before any runs. A client that sends `graphql-cost: report` gets
 * `extensions.cost` in the response. Disabled: no hooks at all.
 */
export function createDemandControlHooks({ config, logger, registry }: DemandControlDeps): FeatureHooks | undefined {
  if (!config.enabled) return undefined;
  const costs = new Histogram({
    name: "operation_estimated_cost",
    help: "Estimated cost of each operation, by result (ok, over: above demandControl.maxCost, refused in enforce mode and only counted in measure mode)",
    labelNames: ["result"],
    buckets: [0, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 50_000, 100_000],
    registers: registry ? [registry] : [],
  });
  let served: ServedModel | undefined;
  // Per request (Apollo passes one request context object to every hook), only when a report was asked for.
  const reports = new WeakMap<object, number>();
  // Batches only: the tally of each batched HTTP request (by its exchange, which all its operations'
  // contexts share), and the operations (request contexts) that have added to theirs.
  const tallies = new WeakMap<object, BatchTally>();
  const counted = new WeakSet<object>();

  /** Adds one batched operation's estimate to its batch's tally; resolves to the batch's sum once every operation has added its own. */
  function addToBatch(request: object, contextValue: RouterContext, cost: number): Promise<number> | undefined {
    const exchange = contextValue?.exchange;
    if (!exchange || exchange.operations <= 1 || counted.has(request)) return undefined;
    counted.add(request);
    let tally = tallies.get(exchange);
    if (!tally) tallies.set(exchange, (tally = newTally(exchange.operations)));
    tally.sum += cost;
    if (++tally.arrived === tally.size) tally.settle(tally.sum);
    return tally.total;
  }

  function estimate(
    current: ServedModel,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ): number {
    const cached = current.fixed.get(operation);
    if (cached !== undefined) return cached;
    const { cost, usedVariables } = estimateCost(current.model, document, operation, variables, config.defaultListSize);
    if (!usedVariables) current.fixed.set(operation, cost);
    return cost;
  }

  const listener: GraphQLRequestListener<RouterContext> = {
    async didResolveOperation(context) {
      const { document, operation, request, operationName, contextValue } = context;
      if (!operation || !served) {
        addToBatch(context, contextValue, 0);
        return;
      }
      const estimated = estimate(served, document, operation, request.variables ?? {});
      if (request.http?.headers.get(COST_REPORT_HEADER)?.trim().toLowerCase() === "report") reports.set(context, estimated);
      const over = estimated > config.maxCost;
      costs.observe({ result: over ? "over" : "ok" }, estimated);
      const batchTotal = addToBatch(context, contextValue, over ? 0 : estimated);
      if (over) {
        if (config.mode === "enforce") throw costLimitExceeded(estimated, config.maxCost);
        logger.info(
          {
            requestId: contextValue?.requestId,
            operation: operationName ?? "anonymous",
            estimatedCost: estimated,
            maxCost: config.maxCost,
          },
          "operation above the cost limit (measure mode: served)",
        );
        return;
      }
      if (!batchTotal) return;
      const total = await batchTotal;
      if (total <= config.maxCost) return;
      if (config.mode === "enforce") throw batchCostLimitExceeded(total, config.maxCost, contextValue.exchange!.operations);
      logger.info(
        { requestId: contextValue.requestId, operation: operationName ?? "anonymous", estimatedCost: total, maxCost: config.maxCost },
        "batch above the cost limit (measure mode: served)",
      );
    },
    // A batched operation that failed before it was estimated (a parse error, an unknown APQ id) adds nothing to its batch.
    async didEncounterErrors(context) {
      addToBatch(context, context.contextValue, 0);
    },
    async willSendResponse(context) {
      addToBatch(context, context.contextValue, 0);
      const estimated = reports.get(context);
      if (estimated === undefined) return;
      const { body } = context.response;
      const result = body.kind === "single" ? body.singleResult : body.initialResult;
      result.extensions = { ...result.extensions, cost: { estimated, max: config.maxCost, mode: config.mode } };
    },
  };

  const plugin: ApolloServerPlugin<RouterContext> = {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          try {
            served = {
              model: coreSupergraphSdl ? costModelFromSupergraph(coreSupergraphSdl) : costModelFromSchema(apiSchema),
              fixed: new WeakMap(),
            };
          } catch (error) {
            // The gateway already accepted this supergraph; estimate with default weights rather than stop.
            logger.error({ err: error }, "cannot read cost directives from the supergraph; estimating with default weights");
            served = { model: costModelFromSchema(apiSchema), fixed: new WeakMap() };
          }
        },
      };
    },
    // One listener for every request: nothing is allocated per request unless a report is asked for.
    requestDidStart: async () => listener,
  };
  return { operation: [plugin] };
}
