import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from "@apollo/server";
import { SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { getOperationAST } from "graphql";
import { ErrorCode } from "@store/wire";
import { requestRecordOf, tagErrorWithRequest } from "./request-observation.ts";
import { holdForRelease } from "./response-release.ts";
import { tracer, tracingEnabled } from "./tracing.ts";

export interface ObservationPluginOptions {
  /**
   * A `graphql.execute` span around execution. The router leaves it off: @apollo/gateway traces its
   * own plan and execute stages (gateway.plan, gateway.execute, gateway.fetch per subgraph).
   */
  executeSpan: boolean;
}

/**
 * Tells the request record (see request-observation.ts) which operation ran and how it ended, and,
 * when tracing is on, adds spans for parsing, validation and execution under the request's span.
 */
export function observationPlugin<Ctx extends BaseContext>({ executeSpan }: ObservationPluginOptions): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart({ contextValue }) {
      const record = requestRecordOf(contextValue);
      if (record) record.graphql = true;
      const traced = tracingEnabled();
      const nameFrom = (ctx: GraphQLRequestContext<Ctx>) => {
        if (!record || !ctx.document) return;
        const operation = getOperationAST(ctx.document, ctx.request.operationName);
        if (!operation) return;
        record.operationName = operation.name?.value ?? "anonymous";
        record.operationType = operation.operation;
      };
      return {
        async didResolveOperation(ctx) {
          nameFrom(ctx);
          if (traced && record?.operationName) {
            const span = trace.getActiveSpan();
            span?.setAttribute("graphql.operation.name", record.operationName);
            if (record.operationType) span?.setAttribute("graphql.operation.type", record.operationType);
          }
        },
        async didEncounterErrors({ errors }) {
          // The error formatter runs next and gets no context: it finds the request id by the error.
          if (record) for (const error of errors) tagErrorWithRequest(error, record.requestId);
        },
        async parsingDidStart() {
          if (!traced) return;
          const span = tracer.startSpan("graphql.parse");
          return async (error?: Error) => endSpan(span, error ? [error] : undefined);
        },
        async validationDidStart(ctx) {
          const span = traced ? tracer.startSpan("graphql.validate") : undefined;
          return async (errors?: ReadonlyArray<Error>) => {
            // An operation that fails validation is still named on dashboards (a client broken by a schema change).
            if (errors?.length) nameFrom(ctx);
            if (span) endSpan(span, errors);
          };
        },
        async executionDidStart() {
          if (!traced || !executeSpan) return;
          const span = tracer.startSpan("graphql.execute");
          return {
            async executionDidEnd(error?: Error) {
              endSpan(span, error ? [error] : undefined);
            },
          };
        },
        async willSendResponse({ response }) {
          if (!record) return;
          holdForRelease(record, response);
          const result = response.body.kind === "single" ? response.body.singleResult : response.body.initialResult;
          record.errorCodes = (result.errors ?? []).map((e) => {
            const code = e.extensions?.code;
            return typeof code === "string" ? code : ErrorCode.INTERNAL_SERVER_ERROR;
          });
          record.hasData = result.data !== undefined && result.data !== null;
        },
      };
    },
  };
}

function endSpan(span: Span, errors?: ReadonlyArray<Error>): void {
  if (errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]!.message });
  span.end();
}
