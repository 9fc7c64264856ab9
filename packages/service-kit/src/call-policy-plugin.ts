import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation, GraphQLRequestListener } from "@apollo/server";
import { Kind, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import type { ReplayGuard } from "./replay-guard.ts";
import { requestRecordOf } from "./request-observation.ts";
import { ErrorCode, ROUTER_CALLER, callersOf, codedError } from "@store/wire";

/**
 * What a verified caller may do once its operation is known: a service selects only the root
 * fields its declared call path allows (service-calls.ts), and a signed mutation runs once per
 * nonce. Queries from the router cost one property read; nothing here allocates per request.
 */
export function callPolicyPlugin<Ctx extends object>({
  service,
  replayGuard,
}: {
  service: string;
  replayGuard: ReplayGuard;
}): ApolloServerPlugin<Ctx> {
  const callers = callersOf(service);
  const hooks: GraphQLRequestListener<Ctx> = {
    async didResolveOperation({ contextValue, operation, document }: GraphQLRequestContextDidResolveOperation<Ctx>) {
      const record = requestRecordOf(contextValue);
      const caller = record?.caller;
      if (!caller || !operation) return;
      if (caller !== ROUTER_CALLER) {
        const allowed = callers.get(caller);
        const fragments = new Map(
          document.definitions
            .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
            .map((d) => [d.name.value, d]),
        );
        const refused = [...rootFieldNames(operation.selectionSet, fragments)].filter((field) => !allowed?.has(field));
        if (refused.length > 0) {
          throw codedError(ErrorCode.SERVICE_CALL_NOT_ALLOWED, `${caller} may not call ${refused.join(", ")} on ${service}.`, {
            http: { status: 403 },
          });
        }
      }
      if (operation.operation === "mutation" && !(record.nonce && (await replayGuard.firstUse(`${caller}:${record.nonce}`)))) {
        throw codedError(ErrorCode.REQUEST_REPLAYED, "This signed request was already received; a mutation runs once per signature.", {
          http: { status: 401 },
        });
      }
    },
  };
  return { requestDidStart: async () => hooks };
}

/** The root fields an operation selects, through fragments; __typename is free for everyone. */
function rootFieldNames(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  names = new Set<string>(),
  seen = new Set<string>(),
): Set<string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== "__typename") names.add(selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      rootFieldNames(selection.selectionSet, fragments, names, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) rootFieldNames(fragment.selectionSet, fragments, names, seen);
    }
  }
  return names;
}
