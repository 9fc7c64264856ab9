import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { Kind, parse, type DocumentNode } from "graphql";
import { SubgraphFailure } from "../../subgraph-call/failure.ts";
import type { SubgraphResponse } from "../../subgraph-call/send.ts";

/**
 * Turns a failed fetch into a GraphQL answer instead of an exception, so the gateway keeps what the
 * other subgraphs returned and places an error where the data is missing. The errors use the paths a
 * subgraph would use itself (`[rootField]`, `["_entities", i]`), which the gateway rewrites into paths
 * of the client's operation: one error per affected root field or entity, each naming the subgraph.
 */
function rootResponseKeys(document: DocumentNode | undefined, query: string | undefined): string[] {
  // The planner keeps no document per fetch by default (exposeDocumentNodeInFetchNode): parse the
  // operation text then, which only happens on this failure path.
  let parsed = document;
  if (!parsed && query) {
    try {
      parsed = parse(query);
    } catch {
      return [];
    }
  }
  const operation = parsed?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  return operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [(s.alias ?? s.name).value] : []));
}

export function failureResponse(failure: SubgraphFailure, options: GraphQLDataSourceProcessOptions): SubgraphResponse {
  const representations = options.request.variables?.representations;
  const document = "document" in options ? options.document : undefined;
  const paths: (string | number)[][] = Array.isArray(representations)
    ? representations.map((_, index) => ["_entities", index])
    : rootResponseKeys(document, options.request.query).map((key) => [key]);
  const error = (path?: (string | number)[]) => ({ message: failure.message, ...(path && { path }), extensions: failure.extensions });
  return { data: null, errors: (paths.length ? paths : [undefined]).map(error) } as unknown as SubgraphResponse;
}
