import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { type GraphQLError, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { Counter, type Registry } from "prom-client";
import { ErrorCode, codedError } from "@store/wire";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";
import type { LimitsConfig } from "./config.ts";
import { countTokens, measureOperation } from "./measure.ts";

/** The names clients see in `extensions.limit`. */
export type LimitName = "depth" | "aliases" | "rootFields" | "tokens" | "documentBytes" | "batchedOperations";

const DESCRIPTIONS: Record<LimitName, string> = {
  depth: "depth",
  aliases: "number of aliases",
  rootFields: "number of root fields",
  tokens: "number of tokens",
  documentBytes: "document size in bytes",
  batchedOperations: "number of batched operations",
};

/** OPERATION_LIMIT_EXCEEDED, HTTP 400, naming the limit, the operation's figure and the maximum. */
export function limitExceeded(limit: LimitName, actual: number, maximum: number): GraphQLError {
  return codedError(
    ErrorCode.OPERATION_LIMIT_EXCEEDED,
    `The operation's ${DESCRIPTIONS[limit]} (${actual}) is above the maximum of ${maximum}.`,
    {
      limit,
      actual,
      maximum,
      http: { status: 400 },
    },
  );
}

/** The document's size in UTF-8 bytes when it is above `max`, else undefined; O(1) for most documents. */
function oversizedBy(source: string, max: number): number | undefined {
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes: only documents near the limit need counting.
  if (source.length * 3 <= max) return undefined;
  const bytes = Buffer.byteLength(source);
  return bytes > max ? bytes : undefined;
}

export interface LimitsDeps {
  config: LimitsConfig;
  registry?: Registry;
}

/** Parse and validation errors: what an oversized document may have caused before its rejection. */
const DOCUMENT_ERRORS = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"]);

/**
 * `limits`: document size and tokens before the document is parsed (graphql-js's parser enforces
 * maxTokens itself, so a token flood is never fully parsed), then depth, aliases and root fields of
 * the operation to run, after validation and before the gateway plans it. Each operation of a batch
 * is checked on its own and rejected on its own: a rejected one never reaches a subgraph. Verdicts
 * on shape are cached per parsed operation: Apollo Server reuses the parsed document for the same
 * query text, so a repeated operation is measured once. Disabled: no hooks at all.
 */
export function createLimitsHooks({ config, registry }: LimitsDeps): FeatureHooks | undefined {
  if (!config.enabled) return undefined;
  const rejections = new Counter({
    name: "operation_limit_rejections_total",
    help: "Operations refused with OPERATION_LIMIT_EXCEEDED before planning, by limit (depth, aliases, rootFields, tokens, documentBytes)",
    labelNames: ["limit"],
    registers: registry ? [registry] : [],
  });
  const reject = (error: GraphQLError) => {
    rejections.inc({ limit: error.extensions.limit as string });
    return error;
  };
  const verdicts = new WeakMap<OperationDefinitionNode, GraphQLError | null>();
  // Per request (Apollo passes one request context object to every hook), only when oversized.
  const oversizedRequests = new WeakMap<object, GraphQLError>();

  function shapeVerdict(document: DocumentNode, operation: OperationDefinitionNode): GraphQLError | null {
    let verdict = verdicts.get(operation);
    if (verdict !== undefined) return verdict;
    const shape = measureOperation(document, operation);
    verdict =
      shape.depth > config.maxDepth
        ? limitExceeded("depth", shape.depth, config.maxDepth)
        : shape.aliases > config.maxAliases
          ? limitExceeded("aliases", shape.aliases, config.maxAliases)
          : shape.rootFields > config.maxRootFields
            ? limitExceeded("rootFields", shape.rootFields, config.maxRootFields)
            : null;
    verdicts.set(operation, verdict);
    return verdict;
  }

  const listener: GraphQLRequestListener<RouterContext> = {
    async didResolveSource(context) {
      const bytes = oversizedBy(context.source, config.maxDocumentBytes);
      if (bytes !== undefined) oversizedRequests.set(context, limitExceeded("documentBytes", bytes, config.maxDocumentBytes));
    },
    // Parse and validation errors arrive here before they are formatted (Apollo formats this very
    // list): an oversized document or a token flood is reported as the limit it broke, not as the
    // syntax error it caused. The parser stopped a flood at maxTokens; counting the tokens of a
    // failed parse (at most maxDocumentBytes of text) tells it apart from a plain typo.
    async didEncounterErrors(context) {
      const list = context.errors as GraphQLError[];
      if (!list.length || !list.every((error) => DOCUMENT_ERRORS.has(error.extensions?.code as string))) return;
      const oversized = oversizedRequests.get(context);
      if (oversized) {
        list.splice(0, list.length, reject(oversized));
        return;
      }
      if (context.source === undefined || list.length !== 1 || list[0]!.extensions.code !== "GRAPHQL_PARSE_FAILED") return;
      const tokens = countTokens(context.source);
      if (tokens > config.maxTokens) list[0] = reject(limitExceeded("tokens", tokens, config.maxTokens));
    },
    async didResolveOperation(context) {
      const oversized = oversizedRequests.get(context);
      if (oversized) throw reject(oversized);
      if (!context.operation) return; // Apollo refuses a request without a resolvable operation itself
      const verdict = shapeVerdict(context.document, context.operation);
      if (verdict) throw reject(verdict);
    },
  };
  // One listener for every request: nothing is allocated per request within the limits.
  const plugin: ApolloServerPlugin<RouterContext> = { requestDidStart: async () => listener };
  return { parseOptions: { maxLexicalTokens: config.maxTokens }, operation: [plugin] };
}
