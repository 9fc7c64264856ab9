import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  type FieldNode,
  type InlineFragmentNode,
  type ValueNode,
} from "graphql";
import type { Caller } from "@store/wire";
import type { Guard, OperationAnalysis, Site } from "./analyze.ts";
import type { Requirement } from "./directives.ts";
import type { PolicyField, PolicyFunction, PolicyInput } from "./policies.ts";
import type { Denial } from "./rewrite.ts";

type Variables = Readonly<Record<string, unknown>>;

/** A field under @skip(if: true) or @include(if: false) is not asked for, so it needs no check. */
function isIncluded(nodes: readonly (FieldNode | InlineFragmentNode)[], variables: Variables): boolean {
  try {
    for (const node of nodes) {
      if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
      if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
    }
  } catch {
    // A bad variable fails the request later anyway; until then the field counts as asked for.
  }
  return true;
}

/** Fields whose arguments use no variables look the same to every request: built once (null: they use variables). */
const constantFields = new WeakMap<Site, PolicyField | null>();

const usesVariables = (value: ValueNode): boolean =>
  value.kind === Kind.VARIABLE ||
  (value.kind === Kind.LIST && value.values.some(usesVariables)) ||
  (value.kind === Kind.OBJECT && value.fields.some((field) => usesVariables(field.value)));

function policyField(site: Site, variables: Variables): PolicyField {
  const known = constantFields.get(site);
  if (known) return known;
  const field = {
    parentType: site.parentType,
    name: site.def.name,
    args: getArgumentValues(site.def, site.node, variables),
    returnType: getNamedType(site.def.type).name,
  };
  if (known === undefined) {
    const constant = !site.node.arguments?.some((argument) => usesVariables(argument.value));
    constantFields.set(site, constant ? Object.freeze({ ...field, args: Object.freeze(field.args) }) : null);
  }
  return field;
}

function satisfies(requirement: Requirement, caller: Caller | null, policy: (name: string) => boolean): boolean {
  if (requirement.authenticated && !caller) return false;
  if (requirement.scopes && !requirement.scopes.some((set) => set.every((scope) => caller?.scopes.includes(scope)))) return false;
  if (requirement.policies && !requirement.policies.some((set) => set.every(policy))) return false;
  return true;
}

/**
 * Which guarded fields this caller may not see. A policy that throws, or whose arguments cannot be
 * read, denies (fail closed). Each policy runs at most once per field occurrence.
 */
export function evaluateGuards(
  analysis: OperationAnalysis,
  caller: Caller | null,
  variables: Variables,
  policies: ReadonlyMap<string, PolicyFunction>,
): Denial[] {
  const denials: Denial[] = [];
  for (const guard of analysis.guards) {
    if (!isIncluded(guard.conditional, variables)) continue;
    if (guard.requirements.every((r) => satisfies(r, caller, policyRunner(guard, caller, variables, policies)))) continue;
    denials.push({ guard, code: caller ? "FORBIDDEN" : "UNAUTHENTICATED" });
  }
  return denials;
}

function policyRunner(guard: Guard, caller: Caller | null, variables: Variables, policies: ReadonlyMap<string, PolicyFunction>) {
  let input: PolicyInput | undefined;
  const results = new Map<string, boolean>();
  return (name: string): boolean => {
    let result = results.get(name);
    if (result === undefined) {
      try {
        input ??= {
          caller,
          field: policyField(guard.site, variables),
          ancestors: guard.ancestors.map((site) => policyField(site, variables)),
        };
        result = policies.get(name)?.(input) === true;
      } catch {
        result = false;
      }
      results.set(name, result);
    }
    return result;
  };
}

/** Identifies a set of denials within one operation: the cache key of its rewrite. */
export const denialKey = (denials: readonly Denial[]) => denials.map((d) => `${d.guard.id}${d.code === "FORBIDDEN" ? "F" : "U"}`).join(",");
