import { Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { Budget, RateLimitSection } from "./config.ts";
import type { ClientIdentity } from "./identity.ts";

/**
 * Which budget a request spends. The most specific wins: operation rules (by name or root field),
 * then the API key's own budget, then the identity kind's, then the default. Each identity has its
 * own count in every budget.
 */
export interface BudgetRules {
  /** Every budget by rule id ("default", "identity:ip", "operation:Mutation.placeOrder", ...). */
  budgets: ReadonlyMap<string, Budget>;
  pick(identity: ClientIdentity, operation: OperationInfo): string[];
}

export interface OperationInfo {
  name: string | null;
  operation: OperationDefinitionNode;
  document: DocumentNode;
  schema: GraphQLSchema;
}

export function budgetRules(config: Pick<RateLimitSection, "default" | "identities" | "operations" | "apiKeys">): BudgetRules {
  const budgets = new Map<string, Budget>([["default", config.default]]);
  for (const [kind, budget] of Object.entries(config.identities)) if (budget) budgets.set(`identity:${kind}`, budget);
  for (const key of config.apiKeys) if (key.budget) budgets.set(`apiKey:${key.name}`, key.budget);
  const byName = new Map<string, string>();
  const byField = new Map<string, string>();
  for (const [key, budget] of Object.entries(config.operations)) {
    budgets.set(`operation:${key}`, budget);
    (key.includes(".") ? byField : byName).set(key, `operation:${key}`);
  }

  return {
    budgets,
    pick(identity, info) {
      const matched: string[] = [];
      const named = info.name ? byName.get(info.name) : undefined;
      if (named) matched.push(named);
      if (byField.size) {
        const type = info.schema.getRootType(info.operation.operation)?.name;
        for (const field of rootFields(info.operation.selectionSet, info.document)) {
          const rule = byField.get(`${type}.${field}`);
          if (rule && !matched.includes(rule)) matched.push(rule);
        }
      }
      if (matched.length) return matched;
      if (identity.kind === "apiKey" && budgets.has(`apiKey:${identity.key}`)) return [`apiKey:${identity.key}`];
      if (budgets.has(`identity:${identity.kind}`)) return [`identity:${identity.kind}`];
      return ["default"];
    },
  };
}

/** Root field names, through inline fragments and fragment spreads (each fragment visited once). */
function rootFields(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): Set<string> {
  const fields = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) for (const f of rootFields(selection.selectionSet, document, seen)) fields.add(f);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) for (const f of rootFields(fragment.selectionSet, document, seen)) fields.add(f);
    }
  }
  return fields;
}
