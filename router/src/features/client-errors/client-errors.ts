import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { Kind, visit, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { ErrorCode, codedError } from "@store/wire";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";

/**
 * Client mistakes the gateway would otherwise answer as internal errors (HTTP 500, logged as errors)
 * or pass on to a subgraph's database: each is refused once the operation is resolved, before
 * anything is planned, with HTTP 400 and a stable code.
 * - several operations and no operationName: OPERATION_NAME_REQUIRED
 * - an operationName the document does not define: OPERATION_NOT_FOUND
 * - a subscription outside the subscription transports (plain POST/GET), or a root type the schema lacks: OPERATION_TYPE_NOT_SUPPORTED
 * - a NUL byte in a string, in the document or in the variables: BAD_USER_INPUT (no database stores it as text)
 */
const badRequest = (code: ErrorCode, message: string) => codedError(code, message, { http: { status: 400 } });

const NUL = "\u0000";

/** Whether any string in a variables value holds a NUL byte. */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes(NUL);
  if (typeof value !== "object" || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => holdsNul(item, depth + 1));
  for (const item of Object.values(value)) if (holdsNul(item, depth + 1)) return true;
  return false;
}

function documentHoldsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes(NUL)) found = true;
    },
  });
  return found;
}

function unresolved(document: DocumentNode, operationName: string | undefined | null) {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return badRequest(ErrorCode.OPERATION_NOT_FOUND, `The document has no operation named "${operationName}".`);
  if (operations.length > 1)
    return badRequest(ErrorCode.OPERATION_NAME_REQUIRED, "The document holds several operations: name the one to run in operationName.");
  return badRequest(ErrorCode.BAD_REQUEST, "The document holds no operation to run.");
}

export function createClientErrorsHooks(): FeatureHooks {
  // Documents are parsed once per distinct text and reused: their verdict is kept with them.
  const nulInDocument = new WeakMap<DocumentNode, boolean>();
  const listener: GraphQLRequestListener<RouterContext> = {
    async didResolveOperation({ document, operation, request, schema, contextValue }) {
      if (!operation) throw unresolved(document, request.operationName);
      // Subscriptions reach the executor only from a subscription transport (features/subscriptions), which sets `subscription`.
      const streamed = operation.operation === "subscription" && "subscription" in (contextValue as object);
      if ((operation.operation === "subscription" && !streamed) || !schema.getRootType(operation.operation)) {
        throw badRequest(ErrorCode.OPERATION_TYPE_NOT_SUPPORTED, `This router does not serve ${operation.operation} operations.`);
      }
      let nul = nulInDocument.get(document);
      if (nul === undefined) nulInDocument.set(document, (nul = documentHoldsNul(document)));
      if (nul || (request.variables && holdsNul(request.variables))) {
        throw codedError(
          ErrorCode.BAD_USER_INPUT,
          "A string in the operation or its variables holds a NUL byte (U+0000), which no field accepts.",
          { http: { status: 400 } },
        );
      }
    },
  };
  // One listener for every request: nothing is allocated per request.
  const plugin: ApolloServerPlugin<RouterContext> = { requestDidStart: async () => listener };
  return { operation: [plugin] };
}
