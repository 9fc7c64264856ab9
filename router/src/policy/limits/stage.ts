import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { ErrorCode } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import type { RouterMetrics } from "../../metrics.ts";
import type { PolicyStage } from "../stage.ts";
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
  return new GraphQLError(`The operation's ${DESCRIPTIONS[limit]} (${actual}) is above the maximum of ${maximum}.`, {
    extensions: { code: ErrorCode.OPERATION_LIMIT_EXCEEDED, limit, actual, maximum, http: { status: 400 } },
  });
}

/** The document's size in UTF-8 bytes when it is above `max`, else undefined; O(1) for most documents. */
function oversizedBy(source: string, max: number): number | undefined {
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes: only documents near the limit need counting.
  if (source.length * 3 <= max) return undefined;
  const bytes = Buffer.byteLength(source);
  return bytes > max ? bytes : undefined;
}

/**
 * Operation limits: document size and tokens before the document is parsed (graphql-js's parser
 * enforces maxTokens itself, so a token flood is never fully parsed), then depth, aliases and root
 * fields of the operation to run, after validation and before the gateway plans it. Each operation of
 * a batch is checked on its own and rejected on its own: a rejected one never reaches a subgraph.
 * Verdicts on shape are cached per parsed operation: Apollo Server reuses the parsed document for
 * the same query text, so a repeated operation is measured once.
 */
export function createLimitsStage(config: LimitsConfig, metrics?: RouterMetrics): PolicyStage {
  if (!config.enabled) return { name: "limits" };
  const verdicts = new WeakMap<OperationDefinitionNode, GraphQLError | null>();
  const reject = (error: GraphQLError) => {
    metrics?.operationLimitRejections.inc({ limit: error.extensions.limit as string });
    return error;
  };

  function shapeVerdict(document: DocumentNode, operation: OperationDefinitionNode): GraphQLError | null {
    let verdict = verdicts.get(operation);
    if (verdict !== undefined) return verdict;
    const shape = measureOperation(document, operation);
    verdict =
      shape.depth > config.maxDepth ? limitExceeded("depth", shape.depth, config.maxDepth)
      : shape.aliases > config.maxAliases ? limitExceeded("aliases", shape.aliases, config.maxAliases)
      : shape.rootFields > config.maxRootFields ? limitExceeded("rootFields", shape.rootFields, config.maxRootFields)
      : null;
    verdicts.set(operation, verdict);
    return verdict;
  }

  const plugin: ApolloServerPlugin<RouterContext> = {
    async requestDidStart() {
      let oversized: GraphQLError | undefined;
      return {
        async didResolveSource({ source }) {
          const bytes = oversizedBy(source, config.maxDocumentBytes);
          if (bytes !== undefined) oversized = limitExceeded("documentBytes", bytes, config.maxDocumentBytes);
        },
        // Parse and validation errors arrive here before they are formatted (Apollo formats this
        // very list): an oversized document or a token flood is reported as the limit it broke, not
        // as the syntax error it caused. The parser stopped a flood at maxTokens; counting the tokens
        // of a failed parse (at most maxDocumentBytes of text) tells it apart from a plain typo.
        async didEncounterErrors({ errors, source }) {
          const list = errors as GraphQLError[];
          if (oversized) {
            if (!list.includes(oversized)) list.splice(0, list.length, reject(oversized));
            return;
          }
          if (source === undefined || list.length !== 1 || list[0]!.extensions?.code !== "GRAPHQL_PARSE_FAILED") return;
          const tokens = countTokens(source);
          if (tokens > config.maxTokens) list[0] = reject(limitExceeded("tokens", tokens, config.maxTokens));
        },
        async didResolveOperation({ document, operation }) {
          if (oversized) throw reject(oversized);
          if (!operation) return;
          const verdict = shapeVerdict(document, operation);
          if (verdict) throw reject(verdict);
        },
      };
    },
  };

  return { name: "limits", parseOptions: { maxLexicalTokens: config.maxTokens }, plugins: [plugin] };
}
