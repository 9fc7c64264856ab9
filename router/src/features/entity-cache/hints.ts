import {
  Kind,
  buildASTSchema,
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  parse,
  type ConstDirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { HintOverride } from "./config.ts";

/**
 * Cache hints from the supergraph: @cacheControl(maxAge:, scope:) on types and fields (composed from
 * the subgraphs with @composeDirective), config overrides over them, and the authorization directives
 * that make data private. From them, the policy of one subgraph fetch: how long its answer may be
 * kept, and whether it belongs to one viewer.
 */

export interface CachePolicy {
  /** Milliseconds; 0: not cached. */
  maxAgeMs: number;
  /** One entry per viewer (PRIVATE, or under an authorization directive). */
  private: boolean;
}

/** What one subgraph operation may cache: each entity type it selects, or its root fields together. */
export interface FetchPolicy {
  entities?: ReadonlyMap<string, CachePolicy>;
  root?: CachePolicy;
}

interface Hint {
  maxAge?: number;
  scope?: "PUBLIC" | "PRIVATE";
}

const AUTHORIZATION_DIRECTIVES = new Set(["authenticated", "requiresScopes", "policy"]);

export interface HintOptions {
  defaultMaxAgeSeconds: number;
  overrides: Readonly<Record<string, HintOverride>>;
}

function hintOf(directives: readonly ConstDirectiveNode[] | undefined): Hint | undefined {
  const node = directives?.find((d) => d.name.value === "cacheControl");
  if (!node) return undefined;
  const hint: Hint = {};
  for (const arg of node.arguments ?? []) {
    if (arg.name.value === "maxAge" && arg.value.kind === Kind.INT) hint.maxAge = Number(arg.value.value);
    if (arg.name.value === "scope" && (arg.value.kind === Kind.ENUM || arg.value.kind === Kind.STRING))
      hint.scope = arg.value.value === "PRIVATE" ? "PRIVATE" : "PUBLIC";
  }
  return hint;
}

const hasAuthorization = (directives: readonly ConstDirectiveNode[] | undefined) =>
  directives?.some((d) => AUTHORIZATION_DIRECTIVES.has(d.name.value)) ?? false;

/** Hints of one supergraph; policies are remembered per operation text (a plan sends the same few). */
export class CacheHints {
  private readonly schema: GraphQLSchema;
  private readonly policies = new Map<string, FetchPolicy>();

  constructor(
    supergraphSdl: string,
    private readonly options: HintOptions,
  ) {
    this.schema = buildASTSchema(parse(supergraphSdl), { assumeValid: true, assumeValidSDL: true });
  }

  private typeHint(name: string): { hint: Hint | undefined; authorized: boolean } {
    const type = this.schema.getType(name);
    const directives = [type?.astNode, ...(type?.extensionASTNodes ?? [])].flatMap((node) => node?.directives ?? []);
    return { hint: this.withOverride(name, hintOf(directives)), authorized: hasAuthorization(directives) };
  }

  private withOverride(coordinate: string, hint: Hint | undefined): Hint | undefined {
    const override = this.options.overrides[coordinate];
    if (!override) return hint;
    return {
      maxAge: override.maxAgeSeconds ?? hint?.maxAge,
      scope: override.scope ?? hint?.scope,
    };
  }

  /** The policy of a subgraph operation, or an empty one when it has nothing to cache (a mutation, a parse failure). */
  policyOf(operation: string): FetchPolicy {
    let policy = this.policies.get(operation);
    if (!policy) {
      policy = this.compute(operation);
      if (this.policies.size > 10_000) this.policies.clear();
      this.policies.set(operation, policy);
    }
    return policy;
  }

  private compute(operation: string): FetchPolicy {
    let document;
    try {
      document = parse(operation);
    } catch {
      return {};
    }
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (!op || op.operation !== "query") return {};
    const queryType = this.schema.getQueryType();
    const entitiesField = op.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === "_entities");
    if (entitiesField?.kind === Kind.FIELD) {
      const entities = new Map<string, CachePolicy>();
      for (const selection of entitiesField.selectionSet?.selections ?? []) {
        if (selection.kind !== Kind.INLINE_FRAGMENT || !selection.typeCondition) continue;
        const name = selection.typeCondition.name.value;
        const type = this.schema.getType(name);
        if (!type || !isCompositeType(type)) continue;
        const own = this.typeHint(name);
        const acc = {
          maxAge: own.hint?.maxAge ?? this.options.defaultMaxAgeSeconds,
          private: own.authorized || own.hint?.scope === "PRIVATE",
        };
        this.walk(type, selection.selectionSet, acc, fragments);
        entities.set(name, { maxAgeMs: acc.maxAge * 1000, private: acc.private });
      }
      return { entities };
    }
    if (!queryType) return {};
    const acc = { maxAge: Infinity, private: false };
    this.walk(queryType, op.selectionSet, acc, fragments);
    // A root field with no hint of its own or on its type is not cacheable beyond the default (as in Apollo Server).
    for (const selection of op.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.name.value.startsWith("__")) continue;
      const field = queryType.getFields()[selection.name.value];
      if (!field) continue;
      const own = this.withOverride(`${queryType.name}.${field.name}`, hintOf(field.astNode?.directives));
      if (own?.maxAge === undefined && this.typeHint(getNamedType(field.type).name).hint?.maxAge === undefined)
        acc.maxAge = Math.min(acc.maxAge, this.options.defaultMaxAgeSeconds);
    }
    return { root: { maxAgeMs: (acc.maxAge === Infinity ? this.options.defaultMaxAgeSeconds : acc.maxAge) * 1000, private: acc.private } };
  }

  /** Lowers acc.maxAge to every hint met in the selection and marks private data; fields without a hint inherit. */
  private walk(
    type: GraphQLCompositeType,
    selectionSet: SelectionSetNode | undefined,
    acc: { maxAge: number; private: boolean },
    fragments: Map<string, FragmentDefinitionNode>,
  ): void {
    const apply = (hint: Hint | undefined, authorized: boolean) => {
      if (hint?.maxAge !== undefined) acc.maxAge = Math.min(acc.maxAge, hint.maxAge);
      if (authorized || hint?.scope === "PRIVATE") acc.private = true;
    };
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        const name = fragment?.typeCondition?.name.value;
        const narrowed = name ? this.schema.getType(name) : type;
        if (!fragment || !narrowed || !isCompositeType(narrowed)) continue;
        if (narrowed !== type) {
          const { hint, authorized } = this.typeHint(narrowed.name);
          apply(hint, authorized);
        }
        this.walk(narrowed, fragment.selectionSet, acc, fragments);
        continue;
      }
      if (selection.name.value.startsWith("__")) continue;
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      const field = type.getFields()[selection.name.value];
      if (!field) continue;
      apply(
        this.withOverride(`${type.name}.${field.name}`, hintOf(field.astNode?.directives)),
        hasAuthorization(field.astNode?.directives),
      );
      const named = getNamedType(field.type);
      if (isCompositeType(named)) {
        const { hint, authorized } = this.typeHint(named.name);
        apply(hint, authorized);
        this.walk(named, selection.selectionSet, acc, fragments);
      } else {
        // Scalars and enums under an authorization directive (on their type) are private too.
        const { authorized } = this.typeHint(named.name);
        if (authorized) acc.private = true;
      }
    }
  }
}
