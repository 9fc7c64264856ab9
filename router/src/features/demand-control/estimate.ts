import {
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isObjectType,
  isInterfaceType,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import type { CostModel, FieldCost } from "./cost-model.ts";

/** Cost of running a mutation at all, before its fields (as Apollo's demand control counts it). */
export const MUTATION_BASE_COST = 10;

export interface CostEstimate {
  cost: number;
  /** The estimate read request variables (slicing arguments, @skip/@include): it holds for these variables only. */
  usedVariables: boolean;
}

type Variables = Readonly<Record<string, unknown>>;

interface FieldFacts {
  facts: FieldCost | undefined;
  /** The composite type the field returns, whose selections it has; undefined for scalars and enums. */
  returned: GraphQLCompositeType | undefined;
  weight: number;
  isList: boolean;
}

/** What a field definition contributes, worked out once per field of a model (the schema is fixed). */
const factsByField = new WeakMap<CostModel, Map<GraphQLField<unknown, unknown>, FieldFacts>>();

function fieldFacts(model: CostModel, parentName: string, field: GraphQLField<unknown, unknown>): FieldFacts {
  let known = factsByField.get(model);
  if (!known) factsByField.set(model, (known = new Map()));
  let entry = known.get(field);
  if (!entry) {
    const facts = model.fields.get(`${parentName}.${field.name}`);
    const named = getNamedType(field.type);
    const returned = isCompositeType(named) ? named : undefined;
    entry = {
      facts,
      returned,
      weight: facts?.weight ?? model.typeWeights.get(named.name) ?? (returned ? 1 : 0),
      isList: isListType(getNullableType(field.type)),
    };
    known.set(field, entry);
  }
  return entry;
}

/**
 * The static cost of one operation, the IBM cost specification's way as Apollo's demand control
 * applies it:
 * - a field costs the weight of the type it returns (objects, interfaces and unions 1, scalars and
 *   enums 0) unless @cost on the field, or on the type, says otherwise;
 * - plus the cost of its selections; a list multiplies both by its size: the largest slicing
 *   argument given (or its default), else @listSize(assumedSize), else `defaultListSize`. With
 *   @listSize(sizedFields) the slicing size applies to those child fields (a connection's `edges`);
 * - @cost on an argument or an input object field adds its weight when it is given;
 * - a mutation adds MUTATION_BASE_COST; introspection fields cost nothing (the router answers them);
 * - fields left out by @skip/@include are not counted; every type condition of an abstract
 *   selection is (an upper bound).
 * Each fragment is costed once per estimate and reused wherever it is spread.
 */
export function estimateCost(
  model: CostModel,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  defaultListSize: number,
): CostEstimate {
  const { schema } = model;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }
  let usedVariables = false;
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();

  /** A variable's value, JSON as sent, or its default from the operation. */
  function variable(name: string): unknown {
    usedVariables = true;
    if (name in variables) return variables[name];
    const fallback = variableDefaults.get(name);
    return fallback ? literal(fallback) : undefined;
  }

  function literal(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.VARIABLE:
        return variable(node.name.value);
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.BOOLEAN:
        return node.value;
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return node.values.map(literal);
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((field) => [field.name.value, literal(field.value)]));
      default:
        return node.value;
    }
  }

  function included(directives: readonly DirectiveNode[] | undefined): boolean {
    if (!directives?.length) return true;
    for (const directive of directives) {
      const name = directive.name.value;
      if (name !== "skip" && name !== "include") continue;
      const condition = directive.arguments?.find((arg) => arg.name.value === "if");
      const value = condition ? literal(condition.value) : undefined;
      if (name === "skip" && value === true) return false;
      if (name === "include" && value === false) return false;
    }
    return true;
  }

  /** Weights of @cost input fields present in a value (JSON from variables or literals). */
  function inputCost(value: unknown, type: GraphQLInputType): number {
    const named = getNullableType(type);
    if (value === null || value === undefined) return 0;
    if (isListType(named))
      return Array.isArray(value)
        ? value.reduce((sum: number, item) => sum + inputCost(item, named.ofType), 0)
        : inputCost(value, named.ofType);
    if (!isInputObjectType(named) || typeof value !== "object") return 0;
    let cost = 0;
    const fields = named.getFields();
    for (const [key, inner] of Object.entries(value)) {
      const field = fields[key];
      if (!field || inner === null || inner === undefined) continue;
      cost += (model.inputFieldWeights.get(`${named.name}.${key}`) ?? 0) + inputCost(inner, field.type);
    }
    return cost;
  }

  function argumentsCost(
    nodes: readonly ArgumentNode[] | undefined,
    field: GraphQLField<unknown, unknown>,
    facts: FieldCost | undefined,
  ): number {
    if (!nodes?.length) return 0;
    let cost = 0;
    for (const node of nodes) {
      const definition = field.args.find((arg) => arg.name === node.name.value);
      if (!definition) continue;
      const weight = facts?.argumentWeights?.get(definition.name);
      const costlyInput = model.costlyInputTypes.has(getNamedType(definition.type).name);
      // Reads the value (and so the variables) only when it can add to the cost.
      if (weight === undefined && !costlyInput) continue;
      const value = literal(node.value);
      if (value === null || value === undefined) continue;
      cost += (weight ?? 0) + (costlyInput ? inputCost(value, definition.type) : 0);
    }
    return cost;
  }

  /** The list size the slicing arguments ask for (the largest given, or its default), else undefined. */
  function slicedSize(node: FieldNode, field: GraphQLField<unknown, unknown>, slicingArguments: readonly string[]): number | undefined {
    let size: number | undefined;
    for (const name of slicingArguments) {
      const given = node.arguments?.find((arg) => arg.name.value === name);
      const value = given ? literal(given.value) : field.args.find((arg) => arg.name === name)?.defaultValue;
      if (typeof value === "number" && Number.isFinite(value)) size = Math.max(size ?? 0, value, 0);
    }
    return size;
  }

  function selectionCost(
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    sized: ReadonlyMap<string, number> | undefined,
  ): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        cost += fieldCost(selection, parent, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) cost += selectionCost(selection.selectionSet, type, sized);
      } else {
        cost += fragmentCost(selection.name.value, sized);
      }
    }
    return cost;
  }

  function fragmentCost(name: string, sized: ReadonlyMap<string, number> | undefined): number {
    // The sizes handed down from a connection field change what a fragment on it costs.
    const key = sized ? `${name}|${[...sized].join(",")}` : name;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !type || !isCompositeType(type) || inProgress.has(key)) return 0;
    inProgress.add(key);
    const cost = selectionCost(fragment.selectionSet, type, sized);
    inProgress.delete(key);
    fragmentCosts.set(key, cost);
    return cost;
  }

  function fieldCost(node: FieldNode, parent: GraphQLCompositeType, sized: ReadonlyMap<string, number> | undefined): number {
    const name = node.name.value;
    if (name.startsWith("__") || (!isObjectType(parent) && !isInterfaceType(parent))) return 0;
    const field = parent.getFields()[name];
    if (!field) return 0;
    const { facts, returned, weight, isList } = fieldFacts(model, parent.name, field);
    const listSize = facts?.listSize;
    let childSizes: Map<string, number> | undefined;
    let ownSize: number | undefined;
    if (listSize) {
      const sliced = slicedSize(node, field, listSize.slicingArguments);
      if (listSize.sizedFields.length) {
        const size = sliced ?? listSize.assumedSize ?? defaultListSize;
        childSizes = new Map(listSize.sizedFields.map((child) => [child, size]));
        ownSize = listSize.assumedSize;
      } else {
        ownSize = sliced ?? listSize.assumedSize;
      }
    }
    const size = isList ? (sized?.get(name) ?? ownSize ?? defaultListSize) : 1;
    const selections = node.selectionSet && returned ? selectionCost(node.selectionSet, returned, childSizes) : 0;
    return (node.arguments?.length ? argumentsCost(node.arguments, field, facts) : 0) + size * (weight + selections);
  }

  const root = schema.getRootType(operation.operation);
  const base = operation.operation === "mutation" ? MUTATION_BASE_COST : 0;
  const cost = root ? base + selectionCost(operation.selectionSet, root, undefined) : base;
  return { cost, usedVariables };
}
