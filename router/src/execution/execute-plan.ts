import { GraphQLDataSourceRequestKind, type GraphQLDataSource } from "@apollo/gateway/dist/datasources/types.js";
import { applyRewrites, isObjectOfType } from "@apollo/gateway/dist/dataRewrites.js";
import { generateHydratedPaths } from "@apollo/gateway/dist/executeQueryPlan.js";
import { ERRORS, errorCodeDef, type VariableDefinitions } from "@apollo/federation-internals";
import {
  evaluateCondition,
  getResponseName,
  type DeferNode,
  type FetchNode,
  type PlanNode,
  type QueryPlanSelectionNode,
} from "@apollo/query-planner";
import { Kind, type GraphQLSchema } from "graphql";
import { GraphQLError } from "./graphql-error.ts";
import { DistinctEntities } from "./distinct-entities.ts";
import type { EntityBatcher, EntityResponse, MergeGroup } from "./entity-batching.ts";
import { withSpan } from "./spans.ts";

/**
 * Runs a query plan from @apollo/query-planner against the subgraphs, the way @apollo/gateway's
 * executeQueryPlan does (same merging, rewrites, error paths), minus the work this router does not
 * need per fetch: no usage-report trace nodes (the executor hands those requests to stock), and one
 * representation per distinct entity in an entity fetch. Stock sends every occurrence: in a nested
 * query the same product shows up under many reviews, so its fetches carried many copies of the
 * same few representations, each one serialized, parsed by the subgraph, answered and parsed back.
 */

type ResponsePath = (string | number)[];
type Data = Record<string, any>;

export interface PlanRun {
  serviceMap: Record<string, GraphQLDataSource>;
  supergraphSchema: GraphQLSchema;
  /** The client's variables as sent (stock forwards them uncoerced too). */
  variables: Record<string, unknown> | undefined;
  /** The operation's variable definitions (their defaults decide a Condition node without a value). */
  variableDefinitions: VariableDefinitions;
  /** Apollo Server's request context, handed to every data source as stock does. */
  requestContext: any;
  errors: GraphQLError[];
  /** Entity fetches of this plan that may share a request with an identical one (see entity-batching.ts). */
  mergeable: ReadonlyMap<FetchNode, MergeGroup>;
  batcher: EntityBatcher;
  /** Runs a @defer node (defer-execution.ts): its primary now, its deferred parts now or later. Absent: no Defer nodes expected. */
  defer?: (node: DeferNode, cursor: Cursor) => Promise<void>;
}

export interface Cursor {
  path: ResponsePath;
  data: any;
  fullResult: Data;
}

export async function executePlanNode(run: PlanRun, node: PlanNode, cursor: Cursor): Promise<void> {
  switch (node.kind) {
    case "Sequence":
      for (const child of node.nodes) await executePlanNode(run, child, cursor);
      return;
    case "Parallel":
      await Promise.all(node.nodes.map((child) => executePlanNode(run, child, cursor)));
      return;
    case "Flatten": {
      const data = flattenAtPath(cursor.data, node.path);
      if (data === undefined || data === null) return;
      await executePlanNode(run, node.node, { path: cursor.path.concat(node.path), data, fullResult: cursor.fullResult });
      return;
    }
    case "Fetch":
      try {
        await withSpan("gateway.fetch", { service: node.serviceName }, () => executeFetch(run, node, cursor));
      } catch (error) {
        run.errors.push(error as GraphQLError);
      }
      return;
    case "Condition": {
      const branch = evaluateCondition(node, run.variableDefinitions, run.variables) ? node.ifClause : node.elseClause;
      if (branch) await executePlanNode(run, branch, cursor);
      return;
    }
    case "Defer":
      if (run.defer) return run.defer(node, cursor);
      throw new Error("A @defer plan node outside a deferred execution");
    default:
      // Plans with subscriptions never get here: the executor leaves them to stock.
      throw new Error(`Unsupported query plan node ${(node as { kind: string }).kind}`);
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The values at `path` ("@" steps into every element of a list), flattened exactly as stock's
 * flattenResultsAtPath does, but pushed into one array rather than a flatMap per list on the way.
 */
function flattenAtPath(value: any, path: readonly (string | number)[]): any {
  let current = value;
  for (let i = 0; i < path.length; i++) {
    if (current === undefined || current === null) return current;
    const key = path[i]!;
    if (key === "@") {
      const found: any[] = [];
      for (const element of current as any[]) pushFlattened(element, path, i + 1, found);
      return found;
    }
    if (Array.isArray(current)) throw new Error(`Unexpected array in result for path element ${String(key)}`);
    current = hasOwn.call(current, key) ? current[key] : undefined;
  }
  return current;
}

/** Pushes what flatMap would take from flattenResultsAtPath(value, path from `from`): its elements if a list, else itself. */
function pushFlattened(value: any, path: readonly (string | number)[], from: number, found: any[]): void {
  if (from === path.length || value === undefined || value === null) {
    if (Array.isArray(value)) for (const element of value) found.push(element);
    else found.push(value);
    return;
  }
  const key = path[from]!;
  if (key === "@") {
    for (const element of value as any[]) pushFlattened(element, path, from + 1, found);
    return;
  }
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${String(key)}`);
  pushFlattened(hasOwn.call(value, key) ? value[key] : undefined, path, from + 1, found);
}

async function executeFetch(run: PlanRun, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = run.serviceMap[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities: Data[] = Array.isArray(cursor.data) ? cursor.data.filter((e) => e !== null && e !== undefined) : [cursor.data];
  if (entities.length < 1) return;

  const variables: Record<string, unknown> = Object.create(null);
  if (fetch.variableUsages && run.variables) {
    for (const name of fetch.variableUsages) {
      if (hasOwn.call(run.variables, name) && run.variables[name] !== undefined) variables[name] = run.variables[name];
    }
  }

  if (!fetch.requires) {
    const data = placeErrors(run, fetch, cursor, await callService(run, service, fetch, cursor, variables), undefined);
    if (data) applyRewrites(run.supergraphSchema, fetch.outputRewrites, data);
    for (const entity of entities) mergeInto(entity, data);
    return;
  }

  // One representation per distinct entity; `occurrences[j]` lists the entities (by their index
  // among all representations, as error paths count them) that representation j stands for.
  const representations: Data[] = [];
  const occurrences: number[][] = [];
  const entityOf: Data[] = [];
  let index = 0;
  const flat = fetch.inputRewrites?.length ? null : flatRequires(fetch);
  // Flat requires: repeated entities found by their key fields, costing no representation object.
  const distinct = flat ? new DistinctEntities(flat.fields) : undefined;
  const byJson = distinct ? undefined : new Map<string, number>();
  for (const entity of entities) {
    let unique: number | undefined;
    if (distinct) {
      if (!isObjectOfType(run.supergraphSchema, entity, flat!.typeCondition)) continue;
      unique = distinct.indexOf(entity, representations.length);
      if (unique === undefined) continue;
      if (unique === representations.length) representations.push(selectionOf(run.supergraphSchema, entity, fetch.requires)!);
    } else {
      const representation = selectionOf(run.supergraphSchema, entity, fetch.requires);
      if (!representation || !representation.__typename) continue;
      applyRewrites(run.supergraphSchema, fetch.inputRewrites, representation);
      const key = JSON.stringify(representation);
      unique = byJson!.get(key);
      if (unique === undefined) {
        unique = representations.length;
        byJson!.set(key, unique);
        representations.push(representation);
      }
    }
    if (unique === occurrences.length) occurrences.push([]);
    occurrences[unique]!.push(index++);
    entityOf.push(entity);
  }
  if (representations.length < 1) return;
  if ("representations" in variables) throw new Error(`Variables cannot contain key "representations"`);

  const call = (sent: Data[]) => callService(run, service, fetch, cursor, { ...variables, representations: sent });
  const batch = run.mergeable.get(fetch);
  let response: EntityResponse;
  if (batch) {
    // Batches join representations by their JSON: byJson already holds it, in representation order.
    const keys = byJson ? [...byJson.keys()] : representations.map((r) => JSON.stringify(r));
    response = await run.batcher.request(batch, representations, keys, call);
  } else response = await call(representations);
  const data = placeErrors(run, fetch, cursor, response, occurrences);
  if (!data) return;
  const received = data._entities;
  if (!Array.isArray(received)) throw new Error(`Expected "data._entities" in response to be an array`);
  if (received.length !== representations.length)
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  for (let unique = 0; unique < received.length; unique++) {
    const entity = received[unique];
    const targets = occurrences[unique]!;
    if (entity && !entity.__typename) entity.__typename = entityOf[targets[0]!]!.__typename;
    applyRewrites(run.supergraphSchema, fetch.outputRewrites, entity);
    for (const target of targets) mergeInto(entityOf[target]!, entity);
  }
}

/**
 * The most common `requires`: `... on T { __typename key fields }`, all leaves without aliases.
 * Worked out once per fetch node of a cached plan.
 */
interface FlatRequires {
  typeCondition: string;
  fields: string[];
}

const flatRequiresOf = new WeakMap<FetchNode, FlatRequires | null>();

function flatRequires(fetch: FetchNode): FlatRequires | null {
  let flat = flatRequiresOf.get(fetch);
  if (flat === undefined) {
    const [only, ...rest] = fetch.requires ?? [];
    flat =
      only &&
      rest.length === 0 &&
      only.kind === Kind.INLINE_FRAGMENT &&
      only.typeCondition &&
      only.selections.every((s) => s.kind === Kind.FIELD && !s.alias && !s.selections) &&
      only.selections.some((s) => s.kind === Kind.FIELD && s.name === "__typename")
        ? { typeCondition: only.typeCondition, fields: only.selections.map((s) => (s as { name: string }).name) }
        : null;
    flatRequiresOf.set(fetch, flat);
  }
  return flat;
}

/**
 * @apollo/gateway's deepMerge (same rules: objects merge, lists of equal length merge element by
 * element, anything else replaces), walking keys with for-in rather than an Object.keys array per object.
 */
function mergeInto(target: Data, source: Data | null | undefined): Data {
  if (source === undefined || source === null) return target;
  for (const key in source) {
    if (!hasOwn.call(source, key)) continue;
    const value = source[key];
    if (value === undefined) continue;
    if (!hasOwn.call(target, key) && key in target)
      Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
    const existing = target[key];
    if (existing && isPlainObject(value)) {
      mergeInto(existing, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        if (isPlainObject(existing[i]) && isPlainObject(value[i])) mergeInto(existing[i], value[i]);
        else existing[i] = value[i];
      }
    } else {
      target[key] = value;
    }
  }
  return target;
}

const isPlainObject = (value: unknown): value is Data =>
  value !== undefined && value !== null && typeof value === "object" && !Array.isArray(value);

/** The fields of an entity its subgraph needs to find it (the fetch's `requires`), as stock selects them. */
function selectionOf(schema: GraphQLSchema, source: Data | null, selections: readonly QueryPlanSelectionNode[]): Data | null {
  if (source === null) return null;
  // A plain object: V8 keeps it in fast mode, so the JSON key and the request body are cheaper to write.
  const result: Data = {};
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const name = getResponseName(selection);
      const value = hasOwn.call(source, name) ? source[name] : undefined;
      if (value === undefined) return null;
      const nested = selection.selections;
      if (Array.isArray(value)) result[name] = value.map((v) => (nested ? selectionOf(schema, v, nested) : v));
      else result[name] = nested ? selectionOf(schema, value, nested) : value;
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      mergeInto(result, selectionOf(schema, source, selection.selections));
    }
  }
  return result;
}

function callService(
  run: PlanRun,
  service: GraphQLDataSource,
  fetch: FetchNode,
  cursor: Cursor,
  variables: Record<string, unknown>,
): Promise<EntityResponse> {
  const context = run.requestContext;
  return service.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: context,
    context: context.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path as never,
  }) as Promise<EntityResponse>;
}

/** Records the subgraph's errors at their places in the client's response; returns the data. */
function placeErrors(
  run: PlanRun,
  fetch: FetchNode,
  cursor: Cursor,
  response: EntityResponse,
  occurrences: number[][] | undefined,
): Data | null | undefined {
  const context = run.requestContext;
  if (response.errors) {
    const paths = errorPaths(fetch, cursor, occurrences);
    const placed = response.errors.flatMap((error) =>
      paths(error.path as ResponsePath | undefined).map(({ entity, path }) => ({ entity, path, error })),
    );
    // Stock sent one representation per occurrence and got its errors back in that order: keep it.
    if (occurrences) placed.sort((a, b) => a.entity - b.entity);
    for (const { error, path } of placed) run.errors.push(downstreamError(error, fetch.serviceName, path));
    if (!response.extensions?.ftv1 && context.metrics) {
      const nonFtv1 = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      if (context.metrics.nonFtv1ErrorPaths) context.metrics.nonFtv1ErrorPaths.push(...nonFtv1);
      else context.metrics.nonFtv1ErrorPaths = nonFtv1;
    }
  }
  return response.data;
}

/**
 * Where a subgraph error lands in the client's response. An entity error (`_entities.i...`) lands
 * on every entity that representation i stood for, so the client sees the errors stock would give.
 */
function errorPaths(
  fetch: FetchNode,
  cursor: Cursor,
  occurrences: number[][] | undefined,
): (path: ResponsePath | undefined) => Array<{ entity: number; path: ResponsePath | undefined }> {
  let hydrated: ResponsePath[] | undefined;
  return (path) => {
    if (fetch.requires && typeof path?.[1] === "number") {
      if (!hydrated) {
        hydrated = [];
        generateHydratedPaths([], cursor.path as never, cursor.fullResult, hydrated as never);
      }
      const indexes = occurrences?.[path[1]] ?? [path[1]];
      return indexes.map((i) => ({ entity: i, path: [...(hydrated![i] ?? []), ...path.slice(2)] }));
    }
    return [{ entity: -1, path: path ? [...cursor.path, ...path] : undefined }];
  };
}

function downstreamError(
  original: { message?: string; extensions?: Record<string, unknown> },
  serviceName: string,
  path: ResponsePath | undefined,
): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = { originalError: original as Error, path, extensions: { ...original.extensions, serviceName } };
  const codeDef = errorCodeDef(original as never);
  if (!codeDef && original.extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
