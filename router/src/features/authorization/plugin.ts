import { createHash } from "node:crypto";
import {
  HeaderMap,
  type ApolloServerPlugin,
  type GraphQLRequestContextDidResolveOperation,
  type GraphQLRequestListener,
} from "@apollo/server";
import { type GraphQLError, type DocumentNode, type GraphQLSchema } from "graphql";
import { ErrorCode, codedError } from "@store/wire";
import type { Logger } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import { UnauthorizableOperationError, analyzeOperation, type OperationAnalysis } from "./analyze.ts";
import type { AuthorizationIndex } from "./directives.ts";
import { denialKey, evaluateGuards } from "./evaluate.ts";
import { editDeferredItems } from "../../execution/incremental-delivery.ts";
import { denialsInDeferredItem } from "./deferred.ts";
import { mergeDenials } from "./merge.ts";
import type { PolicyFunction } from "./policies.ts";
import { rewriteOperation, type Denial, type Rewritten } from "./rewrite.ts";

/** Rewrites kept per operation (one per distinct set of denied fields); more are computed, not kept. */
const MAX_VARIANTS = 32;

interface Analyzed {
  analysis: OperationAnalysis | undefined;
  variants: Map<string, Rewritten & { queryHash: string }>;
}

interface SchemaState {
  index: AuthorizationIndex;
  /** Per parsed document (Apollo Server reuses one per operation text), per operation name. */
  analyses: WeakMap<DocumentNode, Map<string, Analyzed>>;
}

export interface AuthorizationPluginOptions {
  reject: boolean;
  policies: ReadonlyMap<string, PolicyFunction>;
  logger: Logger;
  /** Counts denials (reject mode: one per refused operation). */
  onDenied?(code: Denial["code"], count: number): void;
  /** The index of a supergraph the supergraph hook already prepared (by its adapted SDL), else it is built here. */
  indexFor(coreSupergraphSdl: string): AuthorizationIndex;
}

/**
 * Enforces the supergraph's authorization directives on each operation after Apollo Server has
 * parsed and validated it and before the gateway plans it: denied fields leave the operation the
 * gateway sees (document, operation and the query hash its plan cache is keyed on), and come back in
 * the response as null with an error each. Works with any executor that reads the request context.
 */
export function authorizationPlugin(options: AuthorizationPluginOptions): ApolloServerPlugin<RouterContext> {
  const schemas = new WeakMap<GraphQLSchema, SchemaState>();

  function analyzed(state: SchemaState, schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): Analyzed {
    let byName = state.analyses.get(document);
    if (!byName) state.analyses.set(document, (byName = new Map()));
    const key = operationName ?? "";
    let entry = byName.get(key);
    if (!entry) {
      const analysis = analyzeOperation(schema, state.index, document, operationName);
      byName.set(key, (entry = { analysis: analysis?.guards.length ? analysis : undefined, variants: new Map() }));
    }
    return entry;
  }

  function rejection(denials: readonly Denial[]): GraphQLError {
    const anonymous = denials.some((d) => d.code === "UNAUTHENTICATED");
    const code = anonymous ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN;
    const fields = denials.map((d) => ({ coordinate: d.guard.coordinate, path: d.guard.steps.map((s) => s.key), code: d.code }));
    const names = [...new Set(fields.map((f) => f.coordinate))].join(", ");
    return codedError(
      code,
      anonymous ? `Sign in to run this operation: it asks for ${names}.` : `This operation asks for fields you may not read: ${names}.`,
      {
        fields,
        http: { status: anonymous ? 401 : 403 },
      },
    );
  }

  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          if (coreSupergraphSdl) schemas.set(apiSchema, { index: options.indexFor(coreSupergraphSdl), analyses: new WeakMap() });
        },
      };
    },
    async requestDidStart({ schema }): Promise<GraphQLRequestListener<RouterContext> | void> {
      const state = schemas.get(schema);
      // A supergraph without authorization directives costs nothing per request.
      if (!state || (state.index.fields.size === 0 && state.index.types.size === 0)) return;
      let rewritten: Rewritten | undefined;
      let answered = false;
      return {
        async didResolveOperation(requestContext: GraphQLRequestContextDidResolveOperation<RouterContext>) {
          let entry: Analyzed;
          try {
            entry = analyzed(state, schema, requestContext.document, requestContext.operationName);
          } catch (error) {
            if (!(error instanceof UnauthorizableOperationError)) throw error;
            throw codedError(ErrorCode.BAD_REQUEST, error.message, { http: { status: 400 } });
          }
          if (!entry.analysis) return;
          const denials = evaluateGuards(
            entry.analysis,
            requestContext.contextValue.caller,
            requestContext.request.variables ?? {},
            options.policies,
          );
          if (denials.length === 0) return;
          if (options.reject) {
            const error = rejection(denials);
            options.onDenied?.(error.extensions.code as Denial["code"], 1);
            throw error;
          }
          options.onDenied?.(denials[0]!.code, denials.length);
          const key = denialKey(denials);
          let variant = entry.variants.get(key);
          if (!variant) {
            variant = {
              ...rewriteOperation(entry.analysis, denials),
              queryHash: createHash("sha256").update(`${requestContext.queryHash}\0authorization:${key}`).digest("hex"),
            };
            if (entry.variants.size < MAX_VARIANTS) entry.variants.set(key, variant);
          }
          // Typed read-only for plugins, but the pipeline hands these very fields to the executor after
          // this hook. The gateway keys its plan cache on queryHash: a rewritten operation gets its own.
          const target = requestContext as unknown as { document: DocumentNode; operation: Rewritten["operation"]; queryHash: string };
          target.document = variant.document;
          target.operation = variant.operation;
          target.queryHash = variant.queryHash;
          rewritten = variant;
        },
        async responseForOperation() {
          if (!rewritten?.emptyRoot) return null;
          // Every root field was denied: answer without executing anything.
          answered = true;
          const { data, errors } = mergeDenials(undefined, rewritten);
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: "single", singleResult: { data, errors } } };
        },
        async willSendResponse({ response, contextValue }) {
          if (!rewritten || answered || response.body.kind !== "single") return;
          const result = response.body.singleResult;
          const { data, errors } = mergeDenials(result.data as Record<string, unknown> | null | undefined, rewritten);
          response.body.singleResult = { ...result, data, errors: [...(result.errors ?? []), ...errors] };
          // Denied fields inside @defer fragments: their nulls and errors go in the parts that carry them.
          const denied = rewritten;
          const placed = new Set(errors.map((error) => JSON.stringify(error.path)));
          editDeferredItems(contextValue, (item) => denialsInDeferredItem(item, denied, placed));
        },
      };
    },
  };
}
