import { Kind, parse, isInterfaceType, isObjectType, type DocumentNode } from "graphql";
import { apiSchemaOf } from "./api-schema.ts";
import { supergraphFacts } from "./supergraph-facts.ts";

/**
 * The fields of a supergraph's client-facing schema, each with the subgraphs that serve it (its
 * join directives) and its access rules (@authenticated, @requiresScopes, @policy, @cost, its own
 * or its type's): what the console's policy and search pages list.
 */

export interface FieldPolicy {
  authenticated: boolean;
  requiresScopes: string[][] | null;
  policy: string[][] | null;
  cost: number | null;
}

export interface InventoryField {
  coordinate: string;
  type: string;
  field: string;
  returnType: string;
  subgraphs: string[];
  policy: FieldPolicy;
}

/** Subgraph names by join__Graph enum value (`ACCOUNTS` -> `accounts`). */
function graphNames(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== "join__Graph") continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === "join__graph");
      const name = graph?.arguments?.find((a) => a.name.value === "name")?.value;
      names.set(value.name.value, name?.kind === Kind.STRING ? name.value : value.name.value.toLowerCase());
    }
  }
  return names;
}

const graphArg = (directive: { arguments?: readonly { name: { value: string }; value: { kind: string; value?: unknown } }[] }) => {
  const value = directive.arguments?.find((a) => a.name.value === "graph")?.value;
  return value?.kind === Kind.ENUM ? String(value.value) : undefined;
};

const isExternal = (directive: { arguments?: readonly { name: { value: string }; value: { kind: string; value?: unknown } }[] }) =>
  directive.arguments?.some((a) => a.name.value === "external" && a.value.kind === Kind.BOOLEAN && a.value.value === true) ?? false;

const costOf = (
  directives: readonly {
    name: { value: string };
    arguments?: readonly { name: { value: string }; value: { kind: string; value?: unknown } }[];
  }[] = [],
) => {
  const cost = directives.find((d) => d.name.value === "cost");
  const weight = cost?.arguments?.find((a) => a.name.value === "weight")?.value;
  return weight?.kind === Kind.INT || weight?.kind === Kind.FLOAT ? Number(weight.value) : null;
};

/** Per `Type` and `Type.field`: the subgraphs serving it and its @cost, read from the supergraph's AST. */
function joinFacts(document: DocumentNode) {
  const names = graphNames(document);
  const typeGraphs = new Map<string, Set<string>>();
  const fieldGraphs = new Map<string, Set<string>>();
  const costs = new Map<string, number>();
  const add = (map: Map<string, Set<string>>, key: string, graph: string | undefined) => {
    if (!graph) return;
    (map.get(key) ?? map.set(key, new Set()).get(key)!).add(names.get(graph) ?? graph.toLowerCase());
  };
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    const type = definition.name.value;
    for (const d of definition.directives ?? []) if (d.name.value === "join__type") add(typeGraphs, type, graphArg(d));
    const typeCost = costOf(definition.directives);
    if (typeCost !== null) costs.set(type, typeCost);
    for (const field of definition.fields ?? []) {
      const coordinate = `${type}.${field.name.value}`;
      const joins = (field.directives ?? []).filter((d) => d.name.value === "join__field");
      for (const d of joins) if (!isExternal(d)) add(fieldGraphs, coordinate, graphArg(d));
      // A join__field without a graph, or none at all, means every subgraph that defines the type.
      if (joins.length === 0 || joins.some((d) => !graphArg(d))) fieldGraphs.set(coordinate, fieldGraphs.get(coordinate) ?? new Set());
      const fieldCost = costOf(field.directives);
      if (fieldCost !== null) costs.set(coordinate, fieldCost);
    }
  }
  return { typeGraphs, fieldGraphs, costs };
}

const noPolicy = (policy: FieldPolicy) => !policy.authenticated && !policy.requiresScopes && !policy.policy && policy.cost === null;
export const hasPolicy = (policy: FieldPolicy) => !noPolicy(policy);

const cache = new Map<string, InventoryField[]>();
const CACHE_SIZE = 8;

export function graphInventory(supergraphSdl: string): InventoryField[] {
  const cached = cache.get(supergraphSdl);
  if (cached) return cached;
  const api = apiSchemaOf(supergraphSdl);
  const { typeGraphs, fieldGraphs, costs } = joinFacts(parse(supergraphSdl));
  const { security } = supergraphFacts(supergraphSdl);
  const fields: InventoryField[] = [];
  for (const type of Object.values(api.getTypeMap())) {
    if (type.name.startsWith("__") || !(isObjectType(type) || isInterfaceType(type))) continue;
    const typeRules = security.get(type.name);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const own = security.get(coordinate);
      const served = fieldGraphs.get(coordinate);
      const subgraphs = [...(served && served.size ? served : (typeGraphs.get(type.name) ?? []))].sort();
      fields.push({
        coordinate,
        type: type.name,
        field: field.name,
        returnType: String(field.type),
        subgraphs,
        policy: {
          authenticated: !!(own?.authenticated || typeRules?.authenticated),
          requiresScopes: own?.requiresScopes ?? typeRules?.requiresScopes ?? null,
          policy: own?.policy ?? typeRules?.policy ?? null,
          cost: costs.get(coordinate) ?? costs.get(type.name) ?? null,
        },
      });
    }
  }
  fields.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  cache.set(supergraphSdl, fields);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return fields;
}

/** Fields whose access rules differ between two supergraphs (null: the field has none there, or is gone). */
export function policyChanges(before: string | undefined, after: string) {
  const rulesOf = (sdl: string | undefined) =>
    new Map(sdl ? graphInventory(sdl).flatMap((f) => (hasPolicy(f.policy) ? [[f.coordinate, f.policy] as const] : [])) : []);
  const a = rulesOf(before);
  const b = rulesOf(after);
  const changes: Array<{ coordinate: string; before: FieldPolicy | null; after: FieldPolicy | null }> = [];
  for (const coordinate of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(coordinate) ?? null;
    const y = b.get(coordinate) ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ coordinate, before: x, after: y });
  }
  return changes;
}
