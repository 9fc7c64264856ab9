import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { ErrorCode, type Logger } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import type { RouterMetrics } from "../../metrics.ts";
import type { PolicyStage } from "../stage.ts";
import type { DemandControlConfig } from "./config.ts";
import { costModelFromSchema, costModelFromSupergraph, type CostModel } from "./cost-model.ts";
import { estimateCost } from "./estimate.ts";

/** Request header a client sends, with the value `report`, to get the estimate in `extensions.cost`. */
export const COST_REPORT_HEADER = "graphql-cost";

export function costLimitExceeded(estimatedCost: number, maxCost: number): GraphQLError {
  return new GraphQLError(`The operation's estimated cost (${estimatedCost}) is above the maximum of ${maxCost}.`, {
    extensions: { code: ErrorCode.COST_LIMIT_EXCEEDED, estimatedCost, maxCost, http: { status: 400 } },
  });
}

/** One supergraph's model with its per-operation cache: a new supergraph starts a new cache. */
interface ServedModel {
  model: CostModel;
  /** Estimates that did not depend on variables, per parsed operation (Apollo reuses parsed documents). */
  fixed: WeakMap<OperationDefinitionNode, number>;
}

/**
 * Demand control: estimates each operation's cost from the served supergraph (rebuilt whenever the
 * gateway swaps it in, from the registry or otherwise) once the operation is resolved and before the
 * gateway plans it. enforce mode rejects operations above maxCost with COST_LIMIT_EXCEEDED (HTTP
 * 400); measure mode only counts and logs them. Each operation of a batch is estimated and judged on
 * its own. A client that sends `graphql-cost: report` gets `extensions.cost` in the response.
 */
export function createDemandControlStage(config: DemandControlConfig, logger: Logger, metrics?: RouterMetrics): PolicyStage {
  if (!config.enabled) return { name: "demandControl" };
  let served: ServedModel | undefined;

  function estimate(current: ServedModel, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
    const cached = current.fixed.get(operation);
    if (cached !== undefined) return cached;
    const { cost, usedVariables } = estimateCost(current.model, document, operation, variables, config.defaultListSize);
    if (!usedVariables) current.fixed.set(operation, cost);
    return cost;
  }

  const plugin: ApolloServerPlugin<RouterContext> = {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          try {
            served = { model: coreSupergraphSdl ? costModelFromSupergraph(coreSupergraphSdl) : costModelFromSchema(apiSchema), fixed: new WeakMap() };
          } catch (error) {
            // The gateway already accepted this supergraph; estimate with default weights rather than stop.
            logger.error({ err: error }, "cannot read cost directives from the supergraph; estimating with default weights");
            served = { model: costModelFromSchema(apiSchema), fixed: new WeakMap() };
          }
        },
      };
    },
    async requestDidStart({ request }) {
      const report = request.http?.headers.get(COST_REPORT_HEADER)?.trim().toLowerCase() === "report";
      let estimated: number | undefined;
      return {
        async didResolveOperation({ document, operation, request: { variables }, operationName }) {
          if (!operation || !served) return;
          estimated = estimate(served, document, operation, variables ?? {});
          const over = estimated > config.maxCost;
          metrics?.operationCost.observe({ result: over ? "over" : "ok" }, estimated);
          if (!over) return;
          if (config.mode === "enforce") throw costLimitExceeded(estimated, config.maxCost);
          logger.info({ operation: operationName ?? "anonymous", estimatedCost: estimated, maxCost: config.maxCost }, "operation above the cost limit (measure mode: served)");
        },
        ...(report && {
          async willSendResponse({ response }) {
            if (estimated === undefined) return;
            const result = response.body.kind === "single" ? response.body.singleResult : response.body.initialResult;
            result.extensions = { ...result.extensions, cost: { estimated, max: config.maxCost, mode: config.mode } };
          },
        }),
      };
    },
  };
  return { name: "demandControl", plugins: [plugin] };
}
