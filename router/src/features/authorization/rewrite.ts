import { Kind, visit, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { Guard, OperationAnalysis, Step } from "./analyze.ts";

import { PLACEHOLDER_KEY, TYPENAME_KEY } from "./analyze.ts";

export { PLACEHOLDER_KEY, TYPENAME_KEY };

export type DenialCode = "UNAUTHENTICATED" | "FORBIDDEN";

export interface Denial {
  guard: Guard;
  code: DenialCode;
}

/** A denied field is read, except a mutation's root field, which is run. */
export type DeniedAction = "read" | "run";

/** What the gateway runs instead of the client's operation, and what to put back into its answer. */
export interface Rewritten {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Every root field was removed: nothing is executed. */
  emptyRoot: boolean;
  /** The rewrite added helper selections (TYPENAME_KEY / PLACEHOLDER_KEY) the merge must take out. */
  helpers: boolean;
  denials: readonly { steps: readonly Step[]; code: DenialCode; coordinate: string; action: DeniedAction }[];
}

const typename = (alias: string): FieldNode => ({
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: alias },
  name: { kind: Kind.NAME, value: "__typename" },
});

/**
 * The operation without the denied fields. A selection set left empty gets `__typename` under an
 * alias (a composite field needs a selection); a holder of a field selected through a fragment on an
 * interface or union gets its `__typename`, so the merge knows which objects the field was asked of.
 */
export function rewriteOperation(analysis: OperationAnalysis, denials: readonly Denial[]): Rewritten {
  const removed = new Set(denials.map((d) => d.guard.site.node));
  const needsTypename = new Set<FieldNode>();
  for (const { guard } of denials) for (const step of guard.steps) if (step.appliesTo && step.holder) needsTypename.add(step.holder);

  let helpers = needsTypename.size > 0;
  const withSelection = (selectionSet: SelectionSetNode, extra: FieldNode): SelectionSetNode => ({
    ...selectionSet,
    selections: [extra, ...selectionSet.selections],
  });
  const operation = visit(analysis.operation, {
    Field: {
      enter(node) {
        if (removed.has(node)) return null;
        if (needsTypename.has(node) && node.selectionSet)
          return { ...node, selectionSet: withSelection(node.selectionSet, typename(TYPENAME_KEY)) };
        return undefined;
      },
      leave(node) {
        if (node.selectionSet && node.selectionSet.selections.length === 0) {
          helpers = true;
          return { ...node, selectionSet: withSelection(node.selectionSet, typename(PLACEHOLDER_KEY)) };
        }
        return undefined;
      },
    },
    InlineFragment: {
      leave(node) {
        return node.selectionSet.selections.length === 0 ? null : undefined;
      },
    },
  }) as OperationDefinitionNode;
  return {
    document: { kind: Kind.DOCUMENT, definitions: [operation] },
    operation,
    emptyRoot: operation.selectionSet.selections.length === 0,
    helpers,
    denials: denials.map(({ guard, code }) => ({
      steps: guard.steps,
      code,
      coordinate: guard.coordinate,
      action: analysis.operation.operation === "mutation" && guard.ancestors.length === 0 ? "run" : "read",
    })),
  };
}
