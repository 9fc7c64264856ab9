import {
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type DocumentNode,
} from "graphql";
import type { AuthorizationIndex, Requirement } from "./directives.ts";

/**
 * The static half of authorization, done once per (schema, document, operation): inline the
 * operation's fragments (a fragment can be spread where a field is allowed and where it is not, and
 * policies may depend on the path), and list every field occurrence that carries a requirement.
 */

/** A field on the way from the root to a guarded field: enough to put a null back into the response. */
export interface Step {
  /** The response key (alias or name). */
  key: string;
  type: GraphQLOutputType;
  /** Runtime object types the selection applies to, when narrower than the holder's type (fragments on interfaces and unions). */
  appliesTo: ReadonlySet<string> | undefined;
  /** The field whose value holds this one (undefined: the root). */
  holder: FieldNode | undefined;
}

export interface Site {
  node: FieldNode;
  parentType: string;
  def: GraphQLField<unknown, unknown>;
}

/** One occurrence of a protected field in the (inlined) operation. */
export interface Guard {
  id: number;
  coordinate: string;
  requirements: readonly Requirement[];
  site: Site;
  /** Fields from the root down to the one holding this field. */
  ancestors: readonly Site[];
  /** The field itself and enclosing fields/fragments that carry @skip or @include. */
  conditional: readonly (FieldNode | InlineFragmentNode)[];
  steps: readonly Step[];
}

export interface OperationAnalysis {
  operation: OperationDefinitionNode;
  guards: readonly Guard[];
}

/** Inlining a fragment used many times multiplies selections; past this the operation is refused. */
export const MAX_INLINED_SELECTIONS = 50_000;

/** An operation the router cannot authorize (too large once inlined, or using the rewrite's own response keys): refused as a bad request. */
export class UnauthorizableOperationError extends Error {}

/** Response keys the rewrite adds; the response merge takes them out again. */
export const TYPENAME_KEY = "_authzTypename";
export const PLACEHOLDER_KEY = "_authzPlaceholder";

interface Scope {
  ancestors: Site[];
  steps: Step[];
  conditional: (FieldNode | InlineFragmentNode)[];
  holder: FieldNode | undefined;
  /** Possible runtime types of the holder's value; narrowed by type conditions. */
  possible: ReadonlySet<string>;
  narrowed: boolean;
  /** Type-level requirements of a fragment's type condition (`... on Order`), applying to its fields. */
  inherited: Requirement[];
}

const hasConditions = (node: FieldNode | InlineFragmentNode | SelectionNode) =>
  !!node.directives?.some((d) => d.name.value === "skip" || d.name.value === "include");

export function analyzeOperation(
  schema: GraphQLSchema,
  index: AuthorizationIndex,
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationAnalysis | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (operationName ? definition.name?.value === operationName : !operation))
      operation = definition;
  }
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType) return undefined;

  const guards: Guard[] = [];
  let budget = MAX_INLINED_SELECTIONS;
  const possibleOf = (type: GraphQLCompositeType): ReadonlySet<string> =>
    new Set(isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name]);

  function requirementsOf(parent: GraphQLCompositeType, name: string, returns: string, inherited: Requirement[]): Requirement[] {
    const found = [...inherited];
    const own = index.fields.get(`${parent.name}.${name}`);
    if (own) found.push(own);
    // A field of an interface is protected if any implementation protects it: fail closed.
    if (isAbstractType(parent)) {
      for (const type of schema.getPossibleTypes(parent)) {
        const impl = index.fields.get(`${type.name}.${name}`);
        if (impl) found.push(impl);
      }
    }
    const byType = index.types.get(returns);
    if (byType) found.push(byType);
    return found;
  }

  function walk(selectionSet: SelectionSetNode, parent: GraphQLCompositeType, scope: Scope): SelectionSetNode {
    const selections: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      if (--budget < 0) throw new UnauthorizableOperationError("the operation is too large to authorize once its fragments are inlined");
      if (selection.kind === Kind.FIELD) {
        selections.push(walkField(selection, parent, scope));
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) continue; // validation guarantees it exists
      const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
      if (!condition || !isCompositeType(condition)) continue;
      const inline: InlineFragmentNode = {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: fragment.typeCondition,
        directives: selection.directives,
        selectionSet: fragment.selectionSet,
      };
      const narrowed = [...possibleOf(condition)].filter((t) => scope.possible.has(t));
      const typeRequirement = condition !== parent ? index.types.get(condition.name) : undefined;
      const inner: Scope = {
        ...scope,
        conditional: hasConditions(selection) ? [...scope.conditional, inline] : scope.conditional,
        possible: new Set(narrowed),
        narrowed: scope.narrowed || narrowed.length < scope.possible.size,
        inherited: typeRequirement ? [...scope.inherited, typeRequirement] : scope.inherited,
      };
      selections.push({ ...inline, selectionSet: walk(fragment.selectionSet, condition, inner) });
    }
    return { kind: Kind.SELECTION_SET, selections };
  }

  function walkField(node: FieldNode, parent: GraphQLCompositeType, scope: Scope): FieldNode {
    const name = node.name.value;
    if (node.alias && (node.alias.value === TYPENAME_KEY || node.alias.value === PLACEHOLDER_KEY)) {
      throw new UnauthorizableOperationError(`the response key ${node.alias.value} is reserved by the router`);
    }
    if (name.startsWith("__") || (isAbstractType(parent) && !("getFields" in parent))) return node;
    const def = (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
    if (!def) return node;
    const returns = getNamedType(def.type);
    const site: Site = { node, parentType: parent.name, def };
    const step: Step = {
      key: node.alias?.value ?? name,
      type: def.type,
      appliesTo: scope.narrowed ? scope.possible : undefined,
      holder: scope.holder,
    };
    const steps = [...scope.steps, step];
    const conditional = hasConditions(node) ? [...scope.conditional, node] : scope.conditional;
    // The copy below is the node the rewrite removes, so guards point at it, not at the original.
    const copy: FieldNode = { ...node };
    const requirements = requirementsOf(parent, name, returns.name, scope.inherited);
    if (requirements.length) {
      guards.push({
        id: guards.length,
        coordinate: `${parent.name}.${name}`,
        requirements,
        site: { ...site, node: copy },
        ancestors: scope.ancestors,
        conditional,
        steps,
      });
    }
    if (node.selectionSet && isCompositeType(returns)) {
      const possible = possibleOf(returns);
      (copy as { selectionSet: SelectionSetNode }).selectionSet = walk(node.selectionSet, returns, {
        ancestors: [...scope.ancestors, { ...site, node: copy }],
        steps,
        conditional,
        holder: copy,
        possible,
        narrowed: false,
        inherited: [],
      });
    }
    return copy;
  }

  const rootScope: Scope = {
    ancestors: [],
    steps: [],
    conditional: [],
    holder: undefined,
    possible: new Set([rootType.name]),
    narrowed: false,
    inherited: [],
  };
  const inlined: OperationDefinitionNode = { ...operation, selectionSet: walk(operation.selectionSet, rootType, rootScope) };
  return { operation: inlined, guards };
}
