import { isSubtype } from "@apollo/federation-internals";
import type { DeferNode, DeferredNode, PlanNode } from "@apollo/query-planner";
import type { GraphQLError as GraphQLErrorType } from "graphql";
import { executePlanNode, type Cursor, type PlanRun } from "./execute-plan.ts";
import { GraphQLError } from "./graphql-error.ts";
import type { IncrementalItem, PayloadStream } from "./incremental-delivery.ts";
import type { PreparedOperation } from "./prepared-operations.ts";
import { shapeDeferred } from "./result-shaping.ts";
import { withSpan } from "./spans.ts";

/**
 * Runs the @defer nodes of a query plan (@apollo/query-planner's DeferNode: a primary part and
 * deferred parts, each with the path of the object its fragment sits on). Merged: every part runs at
 * once and lands in the one response. Incremental: the primary runs within the initial payload, each
 * deferred part starts once that payload (or the part it is nested in) is out, and is pushed as soon
 * as its fetches are done, in the order the parts finish.
 */

type Data = Record<string, any>;

/** For a client that takes one response: deferred parts run right after their primary, all merged. */
export function mergedDefer(run: PlanRun): NonNullable<PlanRun["defer"]> {
  return async (node, cursor) => {
    if (node.primary.node) await executePlanNode(run, node.primary.node, cursor);
    await Promise.all(node.deferred.map((deferred) => deferred.node && executePlanNode(run, deferred.node, cursor)));
  };
}

/** Deferred parts found while running one part: they start once that part is delivered. */
interface Scope {
  run: PlanRun;
  later: DeferredNode[];
}

export interface IncrementalExecution {
  /** The initial payload's plan errors (shaping adds its own). */
  errors: GraphQLErrorType[];
  /** Starts the deferred parts found by the primary; false when there were none (the condition of each @defer was off). */
  start(clientData: Data | null): boolean;
}

export interface IncrementalOptions {
  base: PlanRun;
  prepared: PreparedOperation;
  /** The merged subgraph data, filled in by every part. */
  data: Data;
  variables: Record<string, unknown> | undefined;
  stream: PayloadStream;
  onFinished?: () => void;
}

/** Runs the plan up to its initial payload; `start` then runs the deferred parts into `stream`. */
export async function executeIncrementally(options: IncrementalOptions): Promise<IncrementalExecution> {
  const { base, prepared, data, stream } = options;
  const root: Cursor = { path: [], data, fullResult: data };
  const newScope = (): Scope => {
    const scope: Scope = { run: { ...base, errors: [] }, later: [] };
    scope.run.defer = async (node: DeferNode, cursor: Cursor) => {
      if (node.primary.node) await executePlanNode(scope.run, node.primary.node, cursor);
      scope.later.push(...node.deferred);
    };
    return scope;
  };
  const initial = newScope();
  if (prepared.plan.node) await executePlanNode(initial.run, prepared.plan.node as PlanNode, root);

  let clientData: Data | null = null;
  let outstanding = 0;
  const runPart = async (deferred: DeferredNode) => {
    const scope = newScope();
    let items: IncrementalItem[];
    try {
      items = await withSpan(
        "gateway.defer",
        { "graphql.defer.label": deferred.label ?? "", "graphql.defer.path": deferred.queryPath.join(".") },
        async () => {
          if (deferred.node) await executePlanNode(scope.run, deferred.node, root);
          return deliverPart(options, deferred, clientData, scope.run.errors);
        },
      );
    } catch (error) {
      // An unexpected failure (a malformed subgraph answer) ends this part alone, with its error.
      const failure = error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error });
      items = [{ data: null, path: objectPathOf(deferred.queryPath), errors: [failure] }];
      scope.later = [];
    }
    outstanding += scope.later.length - 1;
    if (items.length || outstanding === 0) stream.push({ hasNext: outstanding > 0, ...(items.length && { incremental: items }) });
    if (outstanding === 0) options.onFinished?.();
    for (const nested of scope.later) void runPart(nested);
  };

  return {
    errors: initial.run.errors,
    start(shaped) {
      // A copy: the initial payload may not be written yet when the first part arrives.
      clientData = shaped && structuredClone(shaped);
      if (initial.later.length === 0) return false;
      outstanding = initial.later.length;
      for (const deferred of initial.later) void runPart(deferred);
      return true;
    },
  };
}

/** A fallback path for a part that failed before its objects were found: the field names of its query path. */
function objectPathOf(queryPath: readonly string[]): string[] {
  return queryPath.filter((element) => !element.startsWith("... on "));
}

/** The part's items, one per object its fragment sits on; each is also merged into the client's view for parts nested in it. */
function deliverPart(
  options: IncrementalOptions,
  deferred: DeferredNode,
  clientData: Data | null,
  errors: GraphQLErrorType[],
): IncrementalItem[] {
  const { prepared, data, variables } = options;
  const label = deferred.label;
  const fragment = label === undefined ? undefined : prepared.shape.deferred.get(label);
  if (!fragment || !clientData) return [];
  const items: IncrementalItem[] = [];
  for (const { raw, client, path } of objectsAt(prepared, data, clientData, deferred.queryPath)) {
    const shaped = shapeDeferred(prepared.shape, fragment, raw, path, variables);
    if (shaped.data) mergeClientView(client, structuredClone(shaped.data));
    items.push({
      data: shaped.data,
      path,
      ...(!prepared.assignedDeferLabels.has(label!) && { label }),
      ...(shaped.errors.length && { errors: shaped.errors }),
    });
  }
  // Each fetch error goes with the item its path lies under (the first item when none matches).
  for (const error of errors) {
    const target = items.find((item) => isPrefix(item.path, error.path)) ?? items[0];
    if (target) (target.errors ??= []).push(error);
  }
  return items;
}

function isPrefix(prefix: readonly (string | number)[], path: readonly (string | number)[] | undefined): boolean {
  return !!path && prefix.length <= path.length && prefix.every((element, i) => path[i] === element);
}

interface Located {
  raw: Data;
  client: Data;
  path: (string | number)[];
}

/**
 * The objects at a deferred node's query path (response names and `... on T` steps; lists are not
 * marked, so every element is a place of its own), found in both the merged subgraph data and what the
 * client was sent, skipping places the client has null (a null that bubbled up, a missing entity).
 */
function objectsAt(prepared: PreparedOperation, data: Data, clientData: Data, queryPath: readonly string[]): Located[] {
  const schema = prepared.shape.schema;
  let current: Located[] = [{ raw: data, client: clientData, path: [] }];
  for (const element of queryPath) {
    const next: Located[] = [];
    if (element.startsWith("... on ")) {
      const condition = schema.type(element.slice("... on ".length));
      for (const located of current) {
        const typename = located.raw.__typename;
        const runtime = typeof typename === "string" ? schema.type(typename) : undefined;
        if (!condition || !runtime || isSubtype(condition as never, runtime as never)) next.push(located);
      }
    } else {
      for (const located of current) pushElements(located.raw?.[element], located.client?.[element], [...located.path, element], next);
    }
    current = next;
  }
  return current;
}

function pushElements(raw: any, client: any, path: (string | number)[], into: Located[]): void {
  if (raw === null || raw === undefined || client === null || client === undefined) return;
  if (Array.isArray(raw)) {
    if (!Array.isArray(client)) return;
    raw.forEach((element, i) => pushElements(element, client[i], [...path, i], into));
    return;
  }
  if (typeof raw === "object" && typeof client === "object") into.push({ raw, client, path });
}

/** What the client holds once a part arrives: its data merged in, as Apollo Client merges it. */
function mergeClientView(target: Data, source: Data): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const existing = target[key];
    if (existing && value && typeof existing === "object" && typeof value === "object") {
      if (Array.isArray(existing) && Array.isArray(value)) {
        value.forEach((element, i) => {
          if (existing[i] && element && typeof element === "object") mergeClientView(existing[i], element);
          else existing[i] = element;
        });
      } else mergeClientView(existing, value);
    } else target[key] = value;
  }
}
