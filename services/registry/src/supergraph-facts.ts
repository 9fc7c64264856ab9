import {
  Kind,
  parse,
  type DirectiveNode,
  type ValueNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
} from "graphql";

/**
 * What a composed supergraph says about who serves what and who may see it, read from its join
 * directives (the query planner's own source) and its security directives. The ownership and
 * security checks compare these facts before and after a change.
 */

/** How a subgraph serves a field: fully, or for a share of requests behind a progressive-override label. */
export type Share = { kind: "full" } | { kind: "label"; label: string };

export interface FieldFacts {
  /** Subgraph name -> how it serves the field (external and overridden entries excluded). */
  resolvers: Map<string, Share>;
  /** The subgraph it overrides, per subgraph that declares `@override(from:)`. */
  overrides: Map<string, string>;
}

export interface SecurityFacts {
  authenticated: boolean;
  /** Disjunctive normal form: any one inner list, all of its entries. null when absent. */
  requiresScopes: string[][] | null;
  policy: string[][] | null;
  inaccessible: boolean;
}

export interface SupergraphFacts {
  /** `Type.field` of root and entity types (the ones the router can route to any subgraph). */
  fields: Map<string, FieldFacts>;
  /** Subgraphs that define each named type. */
  typeGraphs: Map<string, string[]>;
  /** Top-level key fields each subgraph declares per type: `User` -> accounts -> {id}. */
  keyFields: Map<string, Map<string, Set<string>>>;
  /** Security directives per coordinate: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field`. */
  security: Map<string, SecurityFacts>;
}

const SECURITY_SPECS = {
  authenticated: "authenticated",
  requiresScopes: "requiresScopes",
  policy: "policy",
  inaccessible: "inaccessible",
} as const;

const cache = new Map<string, SupergraphFacts>();
const CACHE_SIZE = 4;

export function supergraphFacts(sdl: string): SupergraphFacts {
  const cached = cache.get(sdl);
  if (cached) return cached;
  const facts = readFacts(parse(sdl));
  cache.set(sdl, facts);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return facts;
}

function argument(directive: DirectiveNode, name: string): ValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

function stringArg(directive: DirectiveNode, name: string): string | undefined {
  const value = argument(directive, name);
  return value?.kind === Kind.STRING ? value.value : value?.kind === Kind.ENUM ? value.value : undefined;
}

function booleanArg(directive: DirectiveNode, name: string): boolean {
  const value = argument(directive, name);
  return value?.kind === Kind.BOOLEAN && value.value;
}

function nestedStrings(value: ValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST ? inner.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : [],
  );
}

/** The directive names the supergraph's @link declarations give the security specs (an `as:` renames). */
function securityNames(document: DocumentNode): Record<keyof typeof SECURITY_SPECS, string> {
  const names = { ...SECURITY_SPECS } as Record<keyof typeof SECURITY_SPECS, string>;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== "link") continue;
      const url = stringArg(link, "url") ?? "";
      for (const [key, spec] of Object.entries(SECURITY_SPECS)) {
        if (new RegExp(`/${spec}/v\\d`).test(url)) names[key as keyof typeof SECURITY_SPECS] = stringArg(link, "as") ?? spec;
      }
    }
  }
  return names;
}

function rootTypeNames(document: DocumentNode): Set<string> {
  const roots = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      for (const op of definition.operationTypes ?? []) roots.add(op.type.name.value);
    }
  }
  return roots.size ? roots : new Set(["Query", "Mutation", "Subscription"]);
}

/** `id`, `id sku`, `id organization { id }` -> the top-level field names. */
function topLevelFields(fieldSet: string): string[] {
  try {
    const document = parse(`{ ${fieldSet} }`);
    const operation = document.definitions[0];
    if (operation?.kind !== Kind.OPERATION_DEFINITION) return [];
    return operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  } catch {
    return [];
  }
}

function readFacts(document: DocumentNode): SupergraphFacts {
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === "join__Graph") {
      for (const value of definition.values ?? []) {
        const graph = value.directives?.find((d) => d.name.value === "join__graph");
        graphNames.set(value.name.value, (graph && stringArg(graph, "name")) ?? value.name.value.toLowerCase());
      }
    }
  }
  const names = securityNames(document);
  const roots = rootTypeNames(document);
  const facts: SupergraphFacts = { fields: new Map(), typeGraphs: new Map(), keyFields: new Map(), security: new Map() };

  const recordSecurity = (coordinate: string, directives: readonly DirectiveNode[] | undefined) => {
    const security: SecurityFacts = { authenticated: false, requiresScopes: null, policy: null, inaccessible: false };
    for (const d of directives ?? []) {
      if (d.name.value === names.authenticated) security.authenticated = true;
      else if (d.name.value === names.requiresScopes) security.requiresScopes = nestedStrings(argument(d, "scopes"));
      else if (d.name.value === names.policy) security.policy = nestedStrings(argument(d, "policies"));
      else if (d.name.value === names.inaccessible) security.inaccessible = true;
    }
    facts.security.set(coordinate, security);
  };

  for (const definition of document.definitions as readonly DefinitionNode[]) {
    if (
      !("name" in definition) ||
      !definition.name ||
      definition.name.value.startsWith("join__") ||
      definition.name.value.startsWith("link__")
    )
      continue;
    const typeName = definition.name.value;
    if (!("directives" in definition)) continue;
    const directives = definition.directives ?? [];
    recordSecurity(typeName, directives);
    const joinTypes = directives.filter((d) => d.name.value === "join__type");
    const graphs = [...new Set(joinTypes.flatMap((d) => graphNames.get(stringArg(d, "graph") ?? "") ?? []))];
    facts.typeGraphs.set(typeName, graphs);
    const keys = new Map<string, Set<string>>();
    for (const d of joinTypes) {
      const graph = graphNames.get(stringArg(d, "graph") ?? "");
      const key = stringArg(d, "key");
      if (!graph || key === undefined) continue;
      const set = keys.get(graph) ?? new Set<string>();
      for (const field of topLevelFields(key)) set.add(field);
      keys.set(graph, set);
    }
    if (keys.size) facts.keyFields.set(typeName, keys);
    const routable = roots.has(typeName) || keys.size > 0;

    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      for (const value of definition.values ?? []) recordSecurity(`${typeName}.${value.name.value}`, value.directives);
    } else if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      for (const field of definition.fields ?? []) recordSecurity(`${typeName}.${field.name.value}`, field.directives);
    } else if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      for (const field of (definition.fields ?? []) as readonly FieldDefinitionNode[]) {
        const coordinate = `${typeName}.${field.name.value}`;
        recordSecurity(coordinate, field.directives);
        for (const arg of (field.arguments ?? []) as readonly InputValueDefinitionNode[]) {
          recordSecurity(`${coordinate}(${arg.name.value}:)`, arg.directives);
        }
        if (routable) facts.fields.set(coordinate, fieldFacts(field, graphs, graphNames));
      }
    }
  }
  return facts;
}

function fieldFacts(field: FieldDefinitionNode, typeGraphs: string[], graphNames: Map<string, string>): FieldFacts {
  const joins = (field.directives ?? []).filter((d) => d.name.value === "join__field" && stringArg(d, "graph") !== undefined);
  const resolvers = new Map<string, Share>();
  const overrides = new Map<string, string>();
  // Without @join__field, every subgraph that defines the type serves the field.
  if (joins.length === 0) {
    for (const graph of typeGraphs) resolvers.set(graph, { kind: "full" });
    return { resolvers, overrides };
  }
  for (const join of joins) {
    const graph = graphNames.get(stringArg(join, "graph")!);
    if (!graph || booleanArg(join, "external") || booleanArg(join, "usedOverridden")) continue;
    const label = stringArg(join, "overrideLabel");
    const from = stringArg(join, "override");
    if (from !== undefined) overrides.set(graph, from);
    resolvers.set(graph, label !== undefined && from !== undefined ? { kind: "label", label } : { kind: "full" });
  }
  return { resolvers, overrides };
}
