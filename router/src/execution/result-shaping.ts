import {
  ERRORS,
  Variable,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  typenameFieldName,
  type CompositeType,
  type NamedType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from "@apollo/federation-internals";
import type { GraphQLError } from "graphql";

/**
 * Shapes the merged subgraph data into the client's response: aliases, fragments on the runtime
 * type, @skip/@include, leaf value checks and null propagation for non-null fields. Same rules and
 * error messages as @apollo/gateway's computeResponse, but the operation is compiled once per
 * cached plan, so a request only walks its data (stock re-reads directives and selections and
 * rebuilds the operation from the document on every request).
 */

/** @skip/@include on one selection: a constant, or the name of the Boolean variable that decides. */
interface Conditions {
  skip?: boolean | string;
  include?: boolean | string;
}

interface FieldShape {
  kind: "field";
  conditions?: Conditions;
  responseName: string;
  isTypename: boolean;
  type: Type;
  selections?: Shape[];
  /** For a field of leaf type: whether a subgraph's value is valid for it. */
  isValidLeaf?: LeafCheck;
}

type LeafCheck = (value: unknown) => boolean;

/** What String(value) of a finite number writes without an exponent or a fraction. */
const isIntegerLiteral = (value: number) => Number.isInteger(value) && Math.abs(value) < 1e21;

/**
 * federation-internals' isValidLeafValue for one leaf type, decided once when the shape is compiled:
 * it looks the built-in scalars up in the schema and prints every number to test it against a
 * pattern, for every leaf value of every response.
 */
export function leafCheck(schema: Schema, type: NamedType): LeafCheck {
  if (isCustomScalarType(type)) return () => true;
  if (type === schema.booleanType()) return (value) => typeof value === "boolean";
  if (type === schema.intType()) return (value) => typeof value === "number" && isIntegerLiteral(value);
  if (type === schema.idType()) return (value) => typeof value === "string" || (typeof value === "number" && isIntegerLiteral(value));
  if (type === schema.floatType()) return (value) => typeof value === "number" && Number.isFinite(value);
  if (isEnumType(type)) return (value) => typeof value === "string" && type.value(value) !== undefined;
  return (value) => typeof value === "string";
}

function namedTypeOf(type: Type): NamedType {
  let named = type;
  while (isNonNullType(named) || isListType(named)) named = named.ofType;
  return named as NamedType;
}

interface FragmentShape {
  kind: "fragment";
  conditions?: Conditions;
  typeCondition?: CompositeType;
  selections: Shape[];
  /** Whether the type condition applies to a runtime type name, learnt once per name. */
  appliesTo: Map<string, boolean>;
  /** Whether it applies to an object without __typename under this parent type (nearly always the same one). */
  lastParent?: CompositeType;
  appliesToLastParent?: boolean;
  /** @defer on this fragment (labels normalized, as the planner labels its deferred nodes). */
  defer?: { label: string; if?: string };
}

type Shape = FieldShape | FragmentShape;

export interface CompiledShape {
  schema: Schema;
  rootType: CompositeType;
  selections: Shape[];
  defaultedVariables: Record<string, unknown>;
  /** The operation reads a schema introspection field (__schema/__type), which stock resolves itself. */
  hasIntrospection: boolean;
  /** Each @defer fragment by its (normalized) label, with the type it is selected in: a deferred part is shaped from it. */
  deferred: Map<string, DeferredFragment>;
}

export interface DeferredFragment {
  shape: FragmentShape;
  parentType: CompositeType;
}

function conditionsOf(element: {
  appliedDirectivesOf(d: never): Array<{ arguments(): Record<string, unknown> }>;
  schema(): Schema;
}): Conditions | undefined {
  const schema = element.schema();
  const read = (name: "skip" | "include") => {
    const directive = element.appliedDirectivesOf((name === "skip" ? schema.skipDirective() : schema.includeDirective()) as never)[0];
    if (!directive) return undefined;
    const value = directive.arguments().if;
    return value instanceof Variable ? value.name : (value as boolean);
  };
  const skip = read("skip");
  const include = read("include");
  return skip === undefined && include === undefined ? undefined : { skip, include };
}

interface CompileState {
  introspection: boolean;
  deferred: Map<string, DeferredFragment>;
}

function compileSelections(selectionSet: SelectionSet, state: CompileState): Shape[] {
  return selectionSet.selections().map((selection): Shape => {
    if (selection.kind === "FieldSelection") {
      const field = selection.element;
      if (field.definition.isSchemaIntrospectionField()) state.introspection = true;
      const type = field.definition.type!;
      const named = namedTypeOf(type);
      return {
        kind: "field",
        conditions: conditionsOf(field as never),
        responseName: field.responseName(),
        isTypename: field.name === typenameFieldName,
        type,
        selections: selection.selectionSet ? compileSelections(selection.selectionSet, state) : undefined,
        isValidLeaf: isCompositeType(named) ? undefined : leafCheck(field.schema(), named),
      };
    }
    const fragment = selection.element;
    const shape: FragmentShape = {
      kind: "fragment",
      conditions: conditionsOf(fragment as never),
      typeCondition: fragment.typeCondition,
      selections: compileSelections(selection.selectionSet, state),
      appliesTo: new Map(),
    };
    const defer = fragment.deferDirectiveArgs();
    if (defer?.label) {
      shape.defer = { label: defer.label, ...(defer.if instanceof Variable && { if: defer.if.name }) };
      state.deferred.set(defer.label, { shape, parentType: fragment.parentType });
    }
    return shape;
  });
}

export function compileShape(operation: Operation): CompiledShape {
  const state: CompileState = { introspection: false, deferred: new Map() };
  const schema = operation.schema();
  return {
    schema,
    rootType: schema.schemaDefinition.rootType(operation.rootKind)!,
    selections: compileSelections(operation.selectionSet, state),
    defaultedVariables: operation.collectDefaultedVariableValues(),
    hasIntrospection: state.introspection,
    deferred: state.deferred,
  };
}

interface Run {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  path: (string | number)[];
  /**
   * What the last updateValue call found besides its value (INVALID: null that must bubble up,
   * HAS_ERRORS: an error was recorded below). Flags rather than a result object per value: the
   * shaping walks every value of the response, and those objects were a good share of its garbage.
   */
  flags: number;
  /** Leave out the fragments @defer delivers later (the initial payload of an incremental response). */
  omitDeferred: boolean;
}

const INVALID = 1;
const HAS_ERRORS = 2;

function conditionValue(value: boolean | string, variables: Record<string, unknown>): boolean {
  if (typeof value === "boolean") return value;
  const bound = variables[value];
  if (typeof bound !== "boolean") throw new Error(`Unexpected value ${String(bound)} for variable $${value} of @skip/@include`);
  return bound;
}

function skipped(conditions: Conditions | undefined, variables: Record<string, unknown>): boolean {
  if (!conditions) return false;
  if (conditions.skip !== undefined && conditionValue(conditions.skip, variables)) return true;
  return conditions.include !== undefined && !conditionValue(conditions.include, variables);
}

function fragmentApplies(run: Run, shape: FragmentShape, typename: unknown, parentType: CompositeType): boolean {
  const condition = shape.typeCondition;
  if (!condition) return true;
  if (typeof typename !== "string" || !typename) {
    // Objects the operation did not ask __typename of: the common case for named fragments.
    if (shape.lastParent !== parentType) {
      shape.lastParent = parentType;
      shape.appliesToLastParent = isSubtype(condition, parentType);
    }
    return shape.appliesToLastParent!;
  }
  let applies = shape.appliesTo.get(typename);
  if (applies === undefined) {
    const type = run.schema.type(typename);
    applies = !!type && isSubtype(condition, type);
    shape.appliesTo.set(typename, applies);
  }
  return applies;
}

/** Whether a @defer applies: `if` absent, or its variable true (false puts the fragment in the initial payload). */
function isDeferred(defer: { if?: string }, variables: Record<string, unknown>): boolean {
  return defer.if === undefined || variables[defer.if] !== false;
}

const NULL_BUBBLE_UP = true;

function describeLast(path: (string | number)[], currentType: Type, parentType: NamedType): string {
  const element = path[path.length - 1];
  return typeof element === "string" ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Returns true when a null must bubble up to the parent (a non-null field came out null). */
function applySelections(
  run: Run,
  input: Record<string, any>,
  selections: Shape[],
  output: Record<string, any>,
  parentType: CompositeType,
): boolean {
  for (const shape of selections) {
    if (shape.conditions && skipped(shape.conditions, run.variables)) continue;
    if (run.omitDeferred && shape.kind === "fragment" && shape.defer && isDeferred(shape.defer, run.variables)) continue;
    if (shape.kind === "field") {
      const { responseName } = shape;
      // Own properties only: output objects are plain, and a field may be named like one of
      // Object.prototype's (`constructor`).
      const outputValue = hasOwn.call(output, responseName) ? output[responseName] : undefined;
      let inputValue = hasOwn.call(input, responseName) ? (input[responseName] ?? null) : null;
      if (shape.isTypename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== typenameFieldName) inputValue = input[typenameFieldName] ?? null;
          const type = typeof inputValue === "string" ? (run.schema.type(inputValue) ?? parentType) : parentType;
          if (!isObjectType(type)) return NULL_BUBBLE_UP;
          output[responseName] = type.name;
        }
        continue;
      }
      run.path.push(responseName);
      output[responseName] = updateValue(run, outputValue, shape.type, inputValue, shape, parentType);
      run.path.pop();
      if (run.flags & INVALID) return NULL_BUBBLE_UP;
    } else {
      const typename = input[typenameFieldName];
      if (fragmentApplies(run, shape, typename, parentType)) {
        if (applySelections(run, input, shape.selections, output, shape.typeCondition ?? parentType)) return NULL_BUBBLE_UP;
      }
    }
  }
  return false;
}

/** The value to output; run.flags says whether it must bubble up as null and whether errors were recorded. */
function updateValue(run: Run, outputValue: any, type: Type, inputValue: any, field: FieldShape, parentType: CompositeType): any {
  const { selections } = field;
  if (outputValue === null || (outputValue !== undefined && !selections)) {
    run.flags = 0;
    return outputValue;
  }
  if (isNonNullType(type)) {
    const updated = updateValue(run, outputValue, type.ofType, inputValue, field, parentType);
    if (updated === null) {
      if (!(run.flags & HAS_ERRORS)) {
        run.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describeLast(run.path, type.ofType, parentType)}.`, {
            path: Array.from(run.path),
          }),
        );
      }
      run.flags = INVALID | HAS_ERRORS;
      return null;
    }
    run.flags = 0;
    return updated;
  }
  if (inputValue === null) {
    run.flags = 0;
    return null;
  }
  if (isListType(type)) {
    if (!Array.isArray(inputValue)) throw new Error(`Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`);
    const outputs: any[] | undefined = outputValue;
    if (outputs !== undefined && outputs.length !== inputValue.length) throw new Error(`List lengths differ at ${run.path.join(".")}`);
    let nullify = false;
    let hasErrors = false;
    const updated = new Array(inputValue.length);
    for (let i = 0; i < inputValue.length; i++) {
      run.path.push(i);
      updated[i] = updateValue(run, outputs === undefined ? undefined : outputs[i], type.ofType, inputValue[i], field, parentType);
      run.path.pop();
      if (run.flags & INVALID) nullify = true;
      if (run.flags & HAS_ERRORS) hasErrors = true;
    }
    run.flags = hasErrors ? HAS_ERRORS : 0;
    return nullify ? null : updated;
  }
  if (isCompositeType(type)) {
    if (!selections || typeof inputValue !== "object")
      throw new Error(`Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
    const typename = inputValue[typenameFieldName];
    let objectType: CompositeType = type;
    if (typename) {
      const named = run.schema.type(typename);
      if (!named || !isCompositeType(named)) {
        run.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(run.path, type, parentType)}.`, {
            path: Array.from(run.path),
          }),
        );
        run.flags = HAS_ERRORS;
        return null;
      }
      objectType = named;
    }
    // A plain object (not Object.create(null)): V8 keeps it in fast mode with a shared shape, which
    // makes it smaller and quicker to serialize. Response names never start with "__" but __typename.
    const output = outputValue === undefined ? {} : outputValue;
    const bubbled = applySelections(run, inputValue, selections, output, objectType);
    run.flags = bubbled ? HAS_ERRORS : 0;
    return bubbled ? null : output;
  }
  const valid = field.isValidLeaf!(inputValue);
  if (!valid)
    run.errors.push(
      ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(run.path, type, parentType)}.`, { path: Array.from(run.path) }),
    );
  run.flags = valid ? 0 : HAS_ERRORS;
  return valid ? inputValue : null;
}

/** The client's `data` from the merged subgraph data, and errors from null propagation and invalid values. */
export function shapeResponse(
  shape: CompiledShape,
  input: Record<string, any> | null | undefined,
  variables: Record<string, unknown> | undefined,
  { omitDeferred = false }: { omitDeferred?: boolean } = {},
): { data: any; errors: GraphQLError[] } {
  if (!input) return { data: input, errors: [] };
  const run: Run = {
    schema: shape.schema,
    variables: { __proto__: null, ...shape.defaultedVariables, ...variables } as never,
    errors: [],
    path: [],
    flags: 0,
    omitDeferred,
  };
  const data = {};
  const bubbled = applySelections(run, input, shape.selections, data, shape.rootType);
  return { data: bubbled ? null : data, errors: run.errors };
}

/**
 * One deferred fragment's data for the object at `path` (a part of an incremental response): its
 * selections shaped from the merged subgraph data, the fragments deferred inside it left for their
 * own parts. A non-null field that comes out null makes the part's data null, as in graphql-js.
 */
export function shapeDeferred(
  shape: CompiledShape,
  fragment: DeferredFragment,
  input: Record<string, any>,
  path: readonly (string | number)[],
  variables: Record<string, unknown> | undefined,
): { data: any; errors: GraphQLError[] } {
  const run: Run = {
    schema: shape.schema,
    variables: { __proto__: null, ...shape.defaultedVariables, ...variables } as never,
    errors: [],
    path: [...path],
    flags: 0,
    omitDeferred: true,
  };
  const data = {};
  const typename = input[typenameFieldName];
  const runtimeType = typeof typename === "string" ? run.schema.type(typename) : undefined;
  const parentType = runtimeType && isCompositeType(runtimeType) ? runtimeType : fragment.parentType;
  if (!fragmentApplies(run, fragment.shape, typename, fragment.parentType)) return { data, errors: [] };
  const bubbled = applySelections(run, input, fragment.shape.selections, data, fragment.shape.typeCondition ?? parentType);
  return { data: bubbled ? null : data, errors: run.errors };
}
