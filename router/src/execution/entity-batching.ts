import type { FetchNode, PlanNode, SubscriptionNode } from "@apollo/query-planner";
import { bindToActiveContext } from "./spans.ts";

/**
 * Identical entity fetches that run at the same time share one subgraph request. A plan often asks
 * the same subgraph the same thing for entities at several places (product details under a user's
 * reviews and again under their authors' reviews), in branches that run in parallel; stock sends
 * one request per place. Here those fetches join a batch that leaves once the current turn of the
 * event loop is over: one request with the union of their representations, each fetch then reading
 * its own entities (and errors) out of the answer as if it had been sent alone.
 */

export interface EntityResponse {
  data?: Record<string, any> | null;
  errors?: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, any>;
}

interface Part {
  representations: Record<string, unknown>[];
  keys: string[];
  resolve(response: EntityResponse): void;
  reject(error: unknown): void;
}

/**
 * Which fetches of a plan may share a request: entity fetches of queries with the same subgraph,
 * operation (but for its name), representation shape and variables, appearing at least twice.
 * Fetches with rewrites stay alone (a rewrite applied twice to a shared answer would not be safe).
 */
export interface MergeGroup {
  key: string;
  /** Fetch nodes of the plan in the group: once that many have joined, nothing else can. */
  size: number;
}

export function mergeableFetches(root: PlanNode | SubscriptionNode | undefined): Map<FetchNode, MergeGroup> {
  const byKey = new Map<string, FetchNode[]>();
  const visit = (node: PlanNode | SubscriptionNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case "Fetch": {
        if (!node.requires || node.inputRewrites?.length || node.outputRewrites?.length || node.operationKind !== "query") return;
        const operation = node.operationName ? node.operation.replace(node.operationName, "") : node.operation;
        const key = JSON.stringify([node.serviceName, operation, node.requires, node.variableUsages ?? []]);
        byKey.set(key, [...(byKey.get(key) ?? []), node]);
        return;
      }
      case "Sequence":
      case "Parallel":
        node.nodes.forEach(visit);
        return;
      case "Flatten":
        visit(node.node);
        return;
      case "Condition":
        visit(node.ifClause);
        visit(node.elseClause);
        return;
      case "Defer":
        visit(node.primary.node);
        for (const deferred of node.deferred) visit(deferred.node);
        return;
      default:
        return;
    }
  };
  visit(root);
  const mergeable = new Map<FetchNode, MergeGroup>();
  for (const [key, nodes] of byKey) {
    if (nodes.length < 2) continue;
    const group = { key, size: nodes.length };
    for (const node of nodes) mergeable.set(node, group);
  }
  return mergeable;
}

/** One request's pending batches, by merge key. */
export class EntityBatcher {
  private pending = new Map<string, Part[]>();

  /**
   * Asks for `representations` (distinct, with their JSON `keys`) through a batch. `send` makes the
   * one subgraph request for the batch, with the union of its representations.
   */
  request(
    group: MergeGroup,
    representations: Record<string, unknown>[],
    keys: string[],
    send: (representations: Record<string, unknown>[]) => Promise<EntityResponse>,
  ): Promise<EntityResponse> {
    const { key } = group;
    let parts = this.pending.get(key);
    if (!parts) {
      this.pending.set(key, (parts = []));
      const batch = parts;
      // setImmediate: after every fetch that this turn's answers unblocked has had its chance to
      // join (a fetch whose entities all came back null never will).
      setImmediate(
        bindToActiveContext(() => {
          if (this.pending.get(key) !== batch) return;
          this.pending.delete(key);
          void flush(batch, send);
        }),
      );
    }
    const joined = new Promise<EntityResponse>((resolve, reject) => parts.push({ representations, keys, resolve, reject }));
    // Every fetch of the group is in: no reason to wait for the end of the turn.
    if (parts.length === group.size) {
      this.pending.delete(key);
      void flush(parts, send);
    }
    return joined;
  }
}

async function flush(parts: Part[], send: (representations: Record<string, unknown>[]) => Promise<EntityResponse>): Promise<void> {
  if (parts.length === 1) {
    const [only] = parts;
    return send(only!.representations).then(only!.resolve, only!.reject);
  }
  const union: Record<string, unknown>[] = [];
  const position = new Map<string, number>();
  // indexes[p][j]: where part p's j-th representation sits in the union.
  const indexes = parts.map((part) =>
    part.keys.map((key, j) => {
      let at = position.get(key);
      if (at === undefined) {
        at = union.length;
        position.set(key, at);
        union.push(part.representations[j]!);
      }
      return at;
    }),
  );
  let response: EntityResponse;
  try {
    response = await send(union);
  } catch (error) {
    for (const part of parts) part.reject(error);
    return;
  }
  parts.forEach((part, p) => part.resolve(partOf(response, indexes[p]!)));
}

/** The answer one part would have got alone: its entities, and the errors about them (or about no entity in particular). */
function partOf(response: EntityResponse, indexes: number[]): EntityResponse {
  const entities = response.data?._entities;
  const data = Array.isArray(entities) ? { ...response.data, _entities: indexes.map((at) => entities[at]) } : response.data;
  let errors: EntityResponse["errors"];
  if (response.errors) {
    const local = new Map(indexes.map((at, j) => [at, j]));
    errors = response.errors.flatMap((error) => {
      const path = error.path;
      if (path?.[0] !== "_entities" || typeof path[1] !== "number") return [error];
      const j = local.get(path[1]);
      return j === undefined ? [] : [{ ...error, path: ["_entities", j, ...path.slice(2)] }];
    });
  }
  return { data, ...(errors?.length && { errors }), ...(response.extensions && { extensions: response.extensions }) };
}
