import { buildSchema as buildFederationSchema, costIdentity } from "@apollo/federation-internals";
import {
  buildASTSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLSchema,
} from "graphql";

/** What @listSize says about one field. */
export interface ListSizeSpec {
  assumedSize?: number;
  slicingArguments: readonly string[];
  sizedFields: readonly string[];
}

/** The demand-control facts of one field; only fields that carry some are in the model. */
export interface FieldCost {
  /** @cost on the field: replaces the weight of the type it returns. */
  weight?: number;
  listSize?: ListSizeSpec;
  /** @cost on the field's arguments, by argument name: added when the argument is given. */
  argumentWeights?: ReadonlyMap<string, number>;
}

/** Everything the estimator needs from one supergraph; rebuilt when the supergraph changes. */
export interface CostModel {
  /** Types and fields to walk operations against (the supergraph's, a superset of the API schema). */
  schema: GraphQLSchema;
  /** By "Type.field". */
  fields: ReadonlyMap<string, FieldCost>;
  /** @cost on object, scalar and enum types, by type name. */
  typeWeights: ReadonlyMap<string, number>;
  /** @cost on input object fields, by "Input.field": added when the field is given. */
  inputFieldWeights: ReadonlyMap<string, number>;
  /** Input object types holding a weighted field, at any depth: only arguments of these are read for cost. */
  costlyInputTypes: ReadonlySet<string>;
}

interface DirectiveNames {
  cost: string;
  listSize: string;
}

/**
 * The names the supergraph gives the cost spec's directives: its @link may import them under other
 * names or leave them prefixed. Undefined when the supergraph does not link the spec.
 */
function costDirectiveNames(supergraphSdl: string): DirectiveNames | undefined {
  const feature = buildFederationSchema(supergraphSdl).coreFeatures?.getByIdentity(costIdentity);
  if (!feature) return undefined;
  return { cost: feature.directiveNameInSchema("cost"), listSize: feature.directiveNameInSchema("listSize") };
}

function argument(directive: ConstDirectiveNode, name: string): unknown {
  const node = directive.arguments?.find((arg) => arg.name.value === name);
  return node ? valueFromASTUntyped(node.value) : undefined;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** Builds the model from a composed supergraph (the gateway's `coreSupergraphSdl`). */
export function costModelFromSupergraph(supergraphSdl: string): CostModel {
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const names = costDirectiveNames(supergraphSdl);
  const fields = new Map<string, FieldCost>();
  const typeWeights = new Map<string, number>();
  const inputFieldWeights = new Map<string, number>();
  if (!names) return costModelFromSchema(schema);

  const weightOf = (directives: readonly ConstDirectiveNode[] | undefined): number | undefined => {
    const cost = directives?.find((d) => d.name.value === names.cost);
    const weight = cost && Number(argument(cost, "weight"));
    return weight !== undefined && Number.isFinite(weight) ? weight : undefined;
  };

  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    const typeWeight = weightOf(type.astNode?.directives);
    if (typeWeight !== undefined) typeWeights.set(type.name, typeWeight);
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        const weight = weightOf(field.astNode?.directives);
        if (weight !== undefined) inputFieldWeights.set(`${type.name}.${field.name}`, weight);
      }
      continue;
    }
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const entry: FieldCost = {};
      const weight = weightOf(field.astNode?.directives);
      if (weight !== undefined) entry.weight = weight;
      const listSize = field.astNode?.directives?.find((d) => d.name.value === names.listSize);
      if (listSize) {
        const assumedSize = Number(argument(listSize, "assumedSize"));
        entry.listSize = {
          ...(Number.isInteger(assumedSize) && assumedSize >= 0 && { assumedSize }),
          slicingArguments: strings(argument(listSize, "slicingArguments")),
          sizedFields: strings(argument(listSize, "sizedFields")),
        };
      }
      const argumentWeights = new Map<string, number>();
      for (const arg of field.args) {
        const argWeight = weightOf(arg.astNode?.directives);
        if (argWeight !== undefined) argumentWeights.set(arg.name, argWeight);
      }
      if (argumentWeights.size) entry.argumentWeights = argumentWeights;
      if (Object.keys(entry).length) fields.set(`${type.name}.${field.name}`, entry);
    }
  }
  return { schema, fields, typeWeights, inputFieldWeights, costlyInputTypes: costlyInputTypes(schema, inputFieldWeights) };
}

/** Input types whose values can carry weighted fields: those with one, and those that nest such a type. */
function costlyInputTypes(schema: GraphQLSchema, inputFieldWeights: ReadonlyMap<string, number>): Set<string> {
  const costly = new Set([...inputFieldWeights.keys()].map((key) => key.slice(0, key.indexOf("."))));
  const inputs = Object.values(schema.getTypeMap()).filter(isInputObjectType);
  // Grow the set until no input type nests a costly one it does not yet count (nesting can be cyclic).
  for (let grew = true; grew;) {
    grew = false;
    for (const input of inputs) {
      if (costly.has(input.name)) continue;
      if (Object.values(input.getFields()).some((field) => costly.has(getNamedType(field.type).name))) {
        costly.add(input.name);
        grew = true;
      }
    }
  }
  return costly;
}

/** A model without directives (every type at its default weight), for a schema that is not a supergraph. */
export function costModelFromSchema(schema: GraphQLSchema): CostModel {
  return { schema, fields: new Map(), typeWeights: new Map(), inputFieldWeights: new Map(), costlyInputTypes: new Set() };
}
