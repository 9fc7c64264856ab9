import { Kind, parse, print, valueFromASTUntyped, visit, type ConstDirectiveNode, type DocumentNode } from "graphql";

/**
 * The authorization directives of a supergraph (Federation 2.5+: @authenticated, @requiresScopes,
 * @policy) as an index by schema coordinate, and the adaptation that lets @apollo/gateway load such a
 * supergraph at all.
 */

/** One directive site's demands; all present parts must hold. Lists are OR of AND sets. */
export interface Requirement {
  authenticated: boolean;
  scopes: readonly (readonly string[])[] | undefined;
  policies: readonly (readonly string[])[] | undefined;
}

export interface AuthorizationIndex {
  /** `Type.field` -> the field's own directives. */
  fields: ReadonlyMap<string, Requirement>;
  /** Type name -> the type's directives (they apply to every field returning the type). */
  types: ReadonlyMap<string, Requirement>;
  /** Every policy name the schema uses. */
  policyNames: ReadonlySet<string>;
}

type Spec = "authenticated" | "requiresScopes" | "policy";
const SPEC_URL = /^https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\/v0\.\d+$/;

/** The directive names the supergraph's @link imports give the three specs (`as:` renames them). */
function linkedSpecs(document: DocumentNode): Map<string, Spec> {
  const names = new Map<string, Spec>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== "link") continue;
      const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
      const match = typeof args.url === "string" ? SPEC_URL.exec(args.url) : null;
      if (match) names.set(typeof args.as === "string" ? args.as : match[1]!, match[1] as Spec);
    }
  }
  return names;
}

function requirementOf(directives: readonly ConstDirectiveNode[] | undefined, specs: Map<string, Spec>): Requirement | undefined {
  let found = false;
  const requirement: { authenticated: boolean; scopes?: string[][]; policies?: string[][] } = { authenticated: false };
  for (const directive of directives ?? []) {
    const spec = specs.get(directive.name.value);
    if (!spec) continue;
    found = true;
    if (spec === "authenticated") {
      requirement.authenticated = true;
      continue;
    }
    const argument = directive.arguments?.find((a) => a.name.value === (spec === "policy" ? "policies" : "scopes"));
    const sets = (argument ? valueFromASTUntyped(argument.value) : []) as string[][];
    // Several subgraphs may put the same directive on one element; composition merges them, but be
    // safe: two directives of one kind must both hold, so their alternatives multiply out.
    const key = spec === "policy" ? "policies" : "scopes";
    const previous = requirement[key];
    requirement[key] = previous ? previous.flatMap((a) => sets.map((b) => [...a, ...b])) : sets;
  }
  return found ? { authenticated: requirement.authenticated, scopes: requirement.scopes, policies: requirement.policies } : undefined;
}

export function buildAuthorizationIndex(supergraphSdl: string | DocumentNode): AuthorizationIndex {
  const document = typeof supergraphSdl === "string" ? parse(supergraphSdl) : supergraphSdl;
  const specs = linkedSpecs(document);
  const fields = new Map<string, Requirement>();
  const types = new Map<string, Requirement>();
  const policyNames = new Set<string>();
  const note = (requirement: Requirement | undefined) =>
    requirement?.policies?.forEach((set) => set.forEach((name) => policyNames.add(name)));
  if (specs.size === 0) return { fields, types, policyNames };
  for (const definition of document.definitions) {
    if (!("name" in definition) || !definition.name || !("directives" in definition)) continue;
    const typeName = definition.name.value;
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_DEFINITION: {
        const typeRequirement = requirementOf(definition.directives, specs);
        if (typeRequirement) types.set(typeName, typeRequirement);
        note(typeRequirement);
        if (definition.kind === Kind.SCALAR_TYPE_DEFINITION || definition.kind === Kind.ENUM_TYPE_DEFINITION) break;
        for (const field of definition.fields ?? []) {
          const requirement = requirementOf(field.directives, specs);
          if (requirement) fields.set(`${typeName}.${field.name.value}`, requirement);
          note(requirement);
        }
      }
    }
  }
  return { fields, types, policyNames };
}

export class UnknownPolicyError extends Error {
  constructor(unknown: string[], known: Iterable<string>) {
    super(
      `the supergraph uses @policy name(s) the router does not know: ${unknown.join(", ")} ` +
        `(known: ${[...known].join(", ") || "none"}; register them in router/src/policy/authorization/policies.ts or authorization.policies in the config)`,
    );
    this.name = "UnknownPolicyError";
  }
}

/**
 * @apollo/gateway refuses any supergraph feature linked `for: SECURITY` that it does not implement
 * (federation-internals' DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES), which includes these three: only
 * Apollo's own router enforces them. This router enforces them itself (see ./plugin.ts), so it drops
 * `for: SECURITY` from exactly these links before handing the supergraph to the gateway. Any other
 * security feature keeps its purpose and is still refused.
 */
export function acceptAuthorizationFeatures(supergraphSdl: string): { sdl: string; document: DocumentNode } {
  const document = parse(supergraphSdl);
  let changed = false;
  const adapted = visit(document, {
    Directive(node) {
      if (node.name.value !== "link") return undefined;
      const url = node.arguments?.find((a) => a.name.value === "url");
      if (url?.value.kind !== Kind.STRING || !SPEC_URL.test(url.value.value)) return undefined;
      const purpose = node.arguments!.find((a) => a.name.value === "for");
      if (!purpose) return undefined;
      changed = true;
      return { ...node, arguments: node.arguments!.filter((a) => a !== purpose) };
    },
  });
  return changed ? { sdl: print(adapted), document: adapted } : { sdl: supergraphSdl, document };
}
