import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { apiSchemaOf } from "./api-schema.ts";
import { supergraphFacts, type SecurityFacts, type SupergraphFacts } from "./supergraph-facts.ts";

/**
 * Changes that let more callers see more: an authorization directive removed or loosened, an
 * @inaccessible element made visible, or an existing type made reachable from the public roots.
 * Each names the subgraphs that own the element, whose teams must agree with a security approver.
 */

export type SecurityChangeCode =
  | "AUTHENTICATED_REMOVED"
  | "REQUIRES_SCOPES_REMOVED"
  | "REQUIRES_SCOPES_WEAKENED"
  | "POLICY_REMOVED"
  | "POLICY_WEAKENED"
  | "INACCESSIBLE_REMOVED"
  | "TYPE_NEWLY_REACHABLE";

export interface SecurityChange {
  code: SecurityChangeCode;
  coordinate: string;
  message: string;
  /** Subgraphs that define or serve the element, before or after the change. */
  subgraphs: string[];
}

const show = (dnf: string[][]) => dnf.map((all) => `[${all.join(" AND ")}]`).join(" OR ");

/** Whether `after` lets through a caller `before` refused: some accepted set holds no set `before` demanded. */
function weaker(before: string[][], after: string[][]): boolean {
  return after.some((set) => !before.some((required) => required.every((item) => set.includes(item))));
}

function directiveChanges(coordinate: string, before: SecurityFacts, after: SecurityFacts): Array<Omit<SecurityChange, "subgraphs">> {
  const changes: Array<Omit<SecurityChange, "subgraphs">> = [];
  if (before.authenticated && !after.authenticated) {
    changes.push({
      code: "AUTHENTICATED_REMOVED",
      coordinate,
      message: `${coordinate} no longer requires an authenticated caller (@authenticated removed).`,
    });
  }
  const dnf = (name: string, code: "REQUIRES_SCOPES" | "POLICY", was: string[][] | null, now: string[][] | null) => {
    if (!was) return;
    if (!now) changes.push({ code: `${code}_REMOVED`, coordinate, message: `${coordinate} lost @${name}(${show(was)}).` });
    else if (weaker(was, now))
      changes.push({
        code: `${code}_WEAKENED`,
        coordinate,
        message: `${coordinate}: @${name} weakened from ${show(was)} to ${show(now)}.`,
      });
  };
  dnf("requiresScopes", "REQUIRES_SCOPES", before.requiresScopes, after.requiresScopes);
  dnf("policy", "POLICY", before.policy, after.policy);
  if (before.inaccessible && !after.inaccessible) {
    changes.push({
      code: "INACCESSIBLE_REMOVED",
      coordinate,
      message: `${coordinate} is no longer @inaccessible: clients can now see it.`,
    });
  }
  return changes;
}

/** Types reachable from the schema's root types through output fields, union members and implementations. */
function reachableTypes(schema: GraphQLSchema): Set<string> {
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType | null | undefined) => {
    if (!type || seen.has(type.name)) return;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    if (isAbstractType(type)) for (const possible of schema.getPossibleTypes(type)) visit(possible);
    if (isUnionType(type)) for (const member of type.getTypes()) visit(member);
  };
  visit(schema.getQueryType());
  visit(schema.getMutationType());
  visit(schema.getSubscriptionType());
  return seen;
}

/** The subgraphs behind a coordinate: a field's resolvers when routable, else its type's subgraphs. */
function subgraphsOf(facts: SupergraphFacts, coordinate: string): string[] {
  const typeName = coordinate.split(".")[0]!;
  const field = coordinate.replace(/\(.*$/, "");
  const resolvers = facts.fields.get(field)?.resolvers;
  return resolvers ? [...resolvers.keys()] : (facts.typeGraphs.get(typeName) ?? []);
}

export function securityChanges(beforeSdl: string, afterSdl: string): SecurityChange[] {
  const before = supergraphFacts(beforeSdl);
  const after = supergraphFacts(afterSdl);
  const owners = (coordinate: string) => [...new Set([...subgraphsOf(before, coordinate), ...subgraphsOf(after, coordinate)])].sort();
  const changes: SecurityChange[] = [];
  for (const [coordinate, was] of before.security) {
    const now = after.security.get(coordinate);
    if (!now) continue; // removed: a breaking change, not a wider one
    for (const change of directiveChanges(coordinate, was, now)) changes.push({ ...change, subgraphs: owners(coordinate) });
  }
  const reachableBefore = reachableTypes(apiSchemaOf(beforeSdl));
  const afterSchema = apiSchemaOf(afterSdl);
  for (const name of reachableTypes(afterSchema)) {
    const type = afterSchema.getType(name)!;
    if (reachableBefore.has(name) || !before.typeGraphs.has(name) || !(isObjectType(type) || isInterfaceType(type) || isUnionType(type)))
      continue;
    // Its @inaccessible removal is already reported; this covers types that were defined but unreachable.
    if (changes.some((c) => c.code === "INACCESSIBLE_REMOVED" && c.coordinate === name)) continue;
    changes.push({
      code: "TYPE_NEWLY_REACHABLE",
      coordinate: name,
      message: `${name} existed but no client could reach it; it is now reachable from the graph's root types.`,
      subgraphs: owners(name),
    });
  }
  return changes.sort((a, b) => a.coordinate.localeCompare(b.coordinate) || a.code.localeCompare(b.code));
}
