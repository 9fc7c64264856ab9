import { operationFromDocument, type Operation } from "@apollo/federation-internals";
import type { FetchNode, QueryPlan, PlanNode, SubscriptionNode } from "@apollo/query-planner";
import { Kind, print, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { LRUCache } from "lru-cache";
import { mergeableFetches, type MergeGroup } from "./entity-batching.ts";
import type { GatewayState } from "./gateway-state.ts";
import { compileShape, type CompiledShape } from "./result-shaping.ts";
import { withSyncSpan } from "./spans.ts";

/** An operation ready to run: its query plan and compiled result shape, built once and cached. */
export interface PreparedOperation {
  /** Unique per prepared operation: requests sharing it run the same operation, whatever their document object. */
  id: number;
  plan: QueryPlan;
  shape: CompiledShape;
  operation: Operation;
  definition: OperationDefinitionNode;
  /** Entity fetches that may share a request with an identical one running at the same time. */
  mergeable: Map<FetchNode, MergeGroup>;
  /** Why stock @apollo/gateway must run this one (subscriptions, introspection), if it must. */
  leaveToStock?: string;
  /** The plan holds @defer nodes (run by defer-execution.ts). */
  hasDefer: boolean;
  /** Labels the router gave unlabelled @defer fragments: never shown to the client. */
  assignedDeferLabels: ReadonlySet<string>;
}

function unsupportedNode(node: PlanNode | SubscriptionNode | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.kind) {
    case "Sequence":
    case "Parallel":
      for (const child of node.nodes) {
        const reason = unsupportedNode(child);
        if (reason) return reason;
      }
      return undefined;
    case "Flatten":
      return unsupportedNode(node.node);
    case "Condition":
      return unsupportedNode(node.ifClause) ?? unsupportedNode(node.elseClause);
    case "Defer":
      return unsupportedNode(node.primary.node) ?? node.deferred.map((d) => unsupportedNode(d.node)).find(Boolean);
    case "Fetch":
      return undefined;
    default:
      return `plan node ${node.kind}`;
  }
}

let lastId = 0;

export function prepareOperation(state: GatewayState, document: DocumentNode, operationName: string | null | undefined): PreparedOperation {
  const name = operationName ?? undefined;
  const definition = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (name === undefined || d.name?.value === name),
  );
  if (!definition) throw new Error(name ? `Unknown operation named "${name}".` : "No operation in the document");
  // Every @defer labelled before planning (the planner keeps labels it is given), so each deferred
  // node of the plan names the fragment the shaping compiled for it.
  const {
    operation: planned,
    hasDefers,
    assignedDeferLabels,
  } = operationFromDocument(state.apiSchema, document, {
    operationName: name,
  }).withNormalizedDefer();
  const plan = withSyncSpan("gateway.plan", name ? { "graphql.operation.name": name } : {}, () =>
    state.queryPlanner.buildQueryPlan(planned, state.planOptions),
  );
  // The planner may normalize the operation it gets; shaping works from an untouched copy, as stock's does.
  const operation = operationFromDocument(state.apiSchema, document, { operationName: name, validate: false });
  const shape = compileShape(hasDefers ? operation.withNormalizedDefer().operation : operation);
  const leaveToStock = unsupportedNode(plan.node) ?? (shape.hasIntrospection ? "introspection" : undefined);
  return {
    id: ++lastId,
    plan,
    shape,
    operation,
    definition,
    leaveToStock,
    mergeable: mergeableFetches(plan.node),
    hasDefer: hasDefers,
    assignedDeferLabels,
  };
}

/**
 * Prepared operations, found first by the parsed document object (Apollo Server hands the same
 * object for the same query text while it sits in its document store, so the usual lookup costs
 * no hashing or printing), then by the printed document and operation name: a rewritten document
 * (an authorization step, a new parse) that prints the same shares the entry. Cleared when the
 * gateway loads a new supergraph.
 */
export class PreparedOperationCache {
  private byDocument = new WeakMap<DocumentNode, Map<string, PreparedOperation>>();
  private byText: LRUCache<string, PreparedOperation>;
  private planner: unknown;

  constructor(
    maxEntries: number,
    private readonly onLookup: (hit: boolean) => void,
  ) {
    this.byText = new LRUCache({ max: maxEntries });
  }

  get(state: GatewayState, document: DocumentNode, operationName: string | null | undefined): PreparedOperation {
    if (this.planner !== state.queryPlanner) {
      this.planner = state.queryPlanner;
      this.byDocument = new WeakMap();
      this.byText.clear();
    }
    const name = operationName ?? "";
    let perDocument = this.byDocument.get(document);
    let prepared = perDocument?.get(name);
    if (!prepared) {
      const key = `${name}\n${print(document)}`;
      prepared = this.byText.get(key);
      if (!prepared) {
        prepared = prepareOperation(state, document, operationName);
        this.byText.set(key, prepared);
        // Operations stock runs are counted by the gateway's own plan cache.
        if (!prepared.leaveToStock) this.onLookup(false);
      } else if (!prepared.leaveToStock) {
        this.onLookup(true);
      }
      if (!perDocument) this.byDocument.set(document, (perDocument = new Map()));
      perDocument.set(name, prepared);
      return prepared;
    }
    if (!prepared.leaveToStock) this.onLookup(true);
    return prepared;
  }
}
