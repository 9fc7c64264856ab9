/**
 * Finds every way through a client-facing (API) schema from a root field to private data, and turns
 * each into an operation a test can send: the authorization tests walk the schema instead of listing
 * paths by hand, so a path added later is tested without anyone remembering to.
 */
import { Supergraph, printSchema } from "@apollo/federation-internals";
import {
  buildSchema,
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  parse,
  print,
  visit,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";

/** The directives that protect a field in the supergraph (Federation's authorization features). */
export const AUTHORIZATION_DIRECTIVES = ["authenticated", "requiresScopes", "policy"] as const;

/** One field on the way: `parentType.field`, reached through `... on parentType` when the field above returns an abstract type. */
export interface PathStep {
  parentType: string;
  field: string;
  viaFragment: boolean;
}

/** A path from a root field to an `Order`, or to a private field of `User`. */
export interface PrivatePath {
  steps: PathStep[];
  /** An order (`viaFragment` when the last field returns an abstract type that Order is a member of), or a private User field. */
  target: { kind: "order"; viaFragment: boolean } | { kind: "userField"; field: string };
  /** `Query.user > User.email`: how tests name it. */
  name: string;
  /** `Query.user`, the root field the path starts at. */
  root: string;
}

/** The API schema clients see, from a supergraph's SDL (authorization features accepted, as the router accepts them). */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const supergraph = Supergraph.build(supergraphSdl, { supportedFeatures: null });
  // Rebuilt from SDL: federation-internals may hold another graphql instance than the test's.
  return buildSchema(printSchema(supergraph.apiSchema()));
}

/**
 * The User fields that carry an authorization directive in the supergraph, united with `alwaysPrivate`
 * so that removing a directive from a schema does not remove the field from the test.
 */
export function privateUserFields(supergraphSdl: string, alwaysPrivate: readonly string[]): Set<string> {
  const fields = new Set(alwaysPrivate);
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) ||
      definition.name.value !== "User"
    )
      continue;
    for (const field of definition.fields ?? []) {
      if (field.directives?.some((d) => (AUTHORIZATION_DIRECTIVES as readonly string[]).includes(d.name.value)))
        fields.add(field.name.value);
    }
  }
  return fields;
}

/** The same supergraph with every authorization directive application removed (their definitions and links stay). */
export function withoutAuthorizationDirectives(supergraphSdl: string): string {
  return print(
    visit(parse(supergraphSdl), {
      Directive: (node) => ((AUTHORIZATION_DIRECTIVES as readonly string[]).includes(node.name.value) ? null : undefined),
    }),
  );
}

/**
 * Every path from a Query or Mutation field through object fields to an `Order` (where the path ends)
 * or to one of `privateFields` on `User`: at most `maxDepth` fields, never through the same type
 * twice. A path that comes back to a type only repeats, below it, a path that starts there and is
 * found on its own (`review > product > reviews > author` ends as `product > reviews > author` does),
 * and the checks that guard the data look at whose data it is, not at the path above it.
 */
export function findPrivatePaths(schema: GraphQLSchema, privateFields: ReadonlySet<string>, maxDepth = 15): PrivatePath[] {
  const paths: PrivatePath[] = [];
  const record = (steps: PathStep[], target: PrivatePath["target"]) => {
    const name = steps.map((s) => `${s.parentType}.${s.field}`).join(" > ");
    paths.push({ steps, target, name, root: `${steps[0]!.parentType}.${steps[0]!.field}` });
  };
  const walk = (type: GraphQLObjectType, steps: PathStep[], seen: ReadonlySet<string>, viaFragment: boolean) => {
    for (const field of Object.values(type.getFields())) {
      const here = [...steps, { parentType: type.name, field: field.name, viaFragment }];
      const returned = getNamedType(field.type);
      const isPrivate = type.name === "User" && privateFields.has(field.name);
      if (isPrivate) record(here, { kind: "userField", field: field.name });
      const members = objectTypesOf(schema, returned);
      if (members.some(([member]) => member.name === "Order")) {
        // The path ends at the order (once: a private field returning orders is already recorded).
        if (!isPrivate) record(here, { kind: "order", viaFragment: returned.name !== "Order" });
        if (returned.name === "Order") continue;
      }
      if (here.length >= maxDepth || seen.has(returned.name)) continue;
      for (const [next, fragment] of members)
        if (next.name !== "Order") walk(next, here, new Set([...seen, returned.name, next.name]), fragment);
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType()]) if (root) walk(root, [], new Set([root.name]), false);
  return paths;
}

function objectTypesOf(schema: GraphQLSchema, type: GraphQLNamedType): Array<[GraphQLObjectType, boolean]> {
  if (isObjectType(type)) return [[type, false]];
  if (isAbstractType(type)) return schema.getPossibleTypes(type).map((t) => [t, true]);
  return [];
}

/** Literal arguments for fields below the root (page sizes), keyed by `Type.field`. */
export type NestedArguments = Readonly<Record<string, Readonly<Record<string, number | string | boolean>>>>;

/**
 * The operation for one path: the root field takes `rootArgs` as variables (typed from the schema),
 * deeper fields take `nested` literals. Every User on the way selects `id` and every Order `id` and
 * `user { id }`, so that the answer says whose data each value is.
 */
export function operationFor(
  schema: GraphQLSchema,
  path: PrivatePath,
  rootArgs: Readonly<Record<string, unknown>>,
  nested: NestedArguments,
): { query: string; variables: Record<string, unknown> } {
  const fieldOf = (step: PathStep): GraphQLField<unknown, unknown> =>
    (schema.getType(step.parentType) as GraphQLObjectType).getFields()[step.field]!;
  const rootField = fieldOf(path.steps[0]!);
  const given = rootField.args.filter((arg) => arg.name in rootArgs);
  const unknown = Object.keys(rootArgs).filter((name) => !rootField.args.some((arg) => arg.name === name));
  if (unknown.length) throw new Error(`The fixture of ${path.root} names argument(s) it does not have: ${unknown.join(", ")}.`);
  const isRequired = (arg: GraphQLField<unknown, unknown>["args"][number]) =>
    String(arg.type).endsWith("!") && arg.defaultValue === undefined;
  const missing = rootField.args.filter((arg) => isRequired(arg) && !(arg.name in rootArgs));
  if (missing.length) throw new Error(`The fixture of ${path.root} needs the argument(s) ${missing.map((a) => a.name).join(", ")}.`);

  const argumentsOf = (index: number, step: PathStep, field: GraphQLField<unknown, unknown>) => {
    if (index === 0) return given.length ? `(${given.map((a) => `${a.name}: $${a.name}`).join(", ")})` : "";
    const literal = nested[`${step.parentType}.${step.field}`] ?? {};
    const required = field.args.filter((arg) => isRequired(arg) && !(arg.name in literal));
    if (required.length)
      throw new Error(
        `Add nested argument(s) ${required.map((a) => a.name).join(", ")} for ${step.parentType}.${step.field} (on ${path.name}).`,
      );
    const list = Object.entries(literal).map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
    return list.length ? `(${list.join(", ")})` : "";
  };
  const selectionFrom = (index: number): string => {
    const step = path.steps[index]!;
    const field = fieldOf(step);
    const returned = getNamedType(field.type);
    let inner: string;
    if (index === path.steps.length - 1) {
      if (path.target.kind === "order") inner = path.target.viaFragment ? " { ... on Order { id user { id } } }" : " { id user { id } }";
      else inner = isObjectType(returned) || isAbstractType(returned) ? " { __typename }" : "";
    } else {
      inner = ` { ${returned.name === "User" ? "id " : ""}${selectionFrom(index + 1)} }`;
    }
    const selection = `${step.field}${argumentsOf(index, step, field)}${inner}`;
    return step.viaFragment ? `... on ${step.parentType} { ${selection} }` : selection;
  };

  const operation = path.steps[0]!.parentType === "Mutation" ? "mutation" : "query";
  const variables = given.map((arg) => `$${arg.name}: ${String(arg.type)}`);
  return {
    query: `${operation} PrivatePath${variables.length ? `(${variables.join(", ")})` : ""} { ${selectionFrom(0)} }`,
    variables: { ...rootArgs },
  };
}

/** What a path's answer holds at its end: each value with the id of the user it belongs to (null when unknown). */
export interface Found {
  owner: string | null;
  value: unknown;
}

/** Follows `path` through an answer's `data`, across lists, to every value at its end. */
export function valuesAtEnd(data: unknown, path: PrivatePath): Found[] {
  const found: Found[] = [];
  const follow = (value: unknown, depth: number) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) follow(item, depth);
      return;
    }
    const object = value as Record<string, unknown>;
    if (depth === path.steps.length) {
      // Under an abstract type, members other than Order answer without an id.
      if (path.target.kind === "order" && "id" in object)
        found.push({ owner: ((object.user as { id?: string } | null)?.id as string | undefined) ?? null, value: object });
      return;
    }
    const step = path.steps[depth]!;
    if (!(step.field in object)) return; // a fragment on another type
    if (depth === path.steps.length - 1 && path.target.kind === "userField") {
      found.push({ owner: (object.id as string | undefined) ?? null, value: object[step.field] });
      return;
    }
    follow(object[step.field], depth + 1);
  };
  follow(data, 0);
  return found;
}
