import { createHash } from "node:crypto";
import { CACHE_INVALIDATION_EXTENSION, entityRecordId, isEntityInvalidation, type Caller } from "@store/wire";
import type { Logger } from "@store/service-kit";
import type { SubgraphCall, SubgraphCallHandler, SubgraphCallWrapper } from "../../subgraph-call/call.ts";
import type { SubgraphResponse } from "../../subgraph-call/send.ts";
import type { CacheHints, CachePolicy } from "./hints.ts";
import type { EntityCacheMetrics } from "./metrics.ts";
import type { CacheStore, Entry, EntryRef } from "./store.ts";

type Data = Record<string, unknown>;

export interface CacheCallDeps {
  store: CacheStore;
  /** The current supergraph's hints (swapped with the supergraph). */
  hints(): CacheHints | undefined;
  privateData: "per-viewer" | "off";
  rootFields: boolean;
  metrics: EntityCacheMetrics;
  logger: Logger;
}

const digest = (...parts: string[]) => createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 27);

/** Who private data belongs to: the caller's id, scopes and roles (what authorization decides on); null: nobody to cache it for. */
function viewerOf(caller: Caller | null | undefined): string | null {
  if (!caller) return null;
  return digest(caller.id, [...caller.scopes].sort().join(" "), [...caller.roles].sort().join(" "));
}

/** The entity a representation stands for: its id when it has one (every entity of this store is keyed by id), else all of it. */
function recordOf(representation: Data): string {
  const { __typename, ...fields } = representation;
  const key = "id" in fields ? { id: fields.id } : fields;
  return entityRecordId(String(__typename), key);
}

/**
 * The entity cache around one subgraph's fetches. An entity fetch looks up each representation; only
 * the misses go to the subgraph (the hits are merged back in their places), and the misses' answers
 * are stored for their type's maxAge. A root query fetch is cached whole. Any answer may carry
 * invalidations, applied before the answer goes on.
 */
export function entityCacheCall(deps: CacheCallDeps): SubgraphCallWrapper {
  const { store, metrics, logger } = deps;
  let warnedBadInvalidation = false;

  const applyInvalidations = async (subgraph: string, response: SubgraphResponse): Promise<SubgraphResponse> => {
    const listed = response.extensions?.[CACHE_INVALIDATION_EXTENSION];
    if (listed === undefined) return response;
    const { [CACHE_INVALIDATION_EXTENSION]: _, ...extensions } = response.extensions!;
    const valid = Array.isArray(listed) ? listed.filter(isEntityInvalidation) : [];
    if ((!Array.isArray(listed) || valid.length !== listed.length) && !warnedBadInvalidation) {
      warnedBadInvalidation = true;
      logger.warn({ subgraph }, `entity cache: malformed ${CACHE_INVALIDATION_EXTENSION} extension ignored (expected [{ typename, key }])`);
    }
    if (valid.length) {
      await store.invalidate(valid.map((one) => entityRecordId(one.typename, one.key)));
      for (const one of valid) metrics.invalidations.inc({ subgraph, type: one.typename });
    }
    return { ...response, extensions: Object.keys(extensions).length ? extensions : undefined };
  };

  return (next, { name: subgraph }) => {
    const forward: SubgraphCallHandler = async (call) => applyInvalidations(subgraph, await next(call));

    return async (call) => {
      const hints = deps.hints();
      const { query, variables } = call.options.request;
      if (!hints || !query) return forward(call);
      const policy = hints.policyOf(query);
      const representations = variables?.representations;
      if (policy.entities && Array.isArray(representations)) return cachedEntities(call, representations as Data[], policy.entities);
      if (policy.root && deps.rootFields) return cachedRoot(call, policy.root);
      return forward(call);
    };

    function viewerFor(policy: CachePolicy, call: SubgraphCall): string | undefined | null {
      if (!policy.private) return "";
      if (deps.privateData === "off") return null;
      return viewerOf(call.context?.caller);
    }

    async function cachedRoot(call: SubgraphCall, policy: CachePolicy): Promise<SubgraphResponse> {
      const viewer = viewerFor(policy, call);
      if (policy.maxAgeMs <= 0 || viewer == null) return forward(call);
      const { query, variables } = call.options.request;
      const ref: EntryRef = { record: `root:${subgraph}:${digest(query!, JSON.stringify(variables ?? {}), viewer)}`, shape: "data" };
      const found = await store.lookup([ref]);
      const hit = found.values[0];
      const labels = { subgraph, type: "Query" };
      if (hit !== undefined) {
        metrics.entities.inc({ ...labels, result: "hit" });
        metrics.fetches.inc({ subgraph, result: "hit" });
        metrics.bytes.inc({ ...labels, direction: "read" }, hit.length);
        return { data: JSON.parse(hit) };
      }
      metrics.entities.inc({ ...labels, result: "miss" });
      metrics.fetches.inc({ subgraph, result: "miss" });
      const response = await forward(call);
      if (response.data && !response.errors?.length) {
        const value = JSON.stringify(response.data);
        metrics.bytes.inc({ ...labels, direction: "write" }, value.length);
        await store.write([{ ...ref, value, ttlMs: policy.maxAgeMs, version: found.versions[0]! }]);
      }
      return response;
    }

    async function cachedEntities(
      call: SubgraphCall,
      representations: Data[],
      policies: ReadonlyMap<string, CachePolicy>,
    ): Promise<SubgraphResponse> {
      const { query, variables } = call.options.request;
      const { representations: _, ...rest } = variables!;
      const others = JSON.stringify(rest);
      // Which representations the cache may answer, and under what entry.
      const refs: (EntryRef | undefined)[] = representations.map((representation) => {
        const policy = policies.get(String(representation.__typename));
        if (!policy || policy.maxAgeMs <= 0) return undefined;
        const viewer = viewerFor(policy, call);
        if (viewer == null) return undefined;
        return { record: recordOf(representation), shape: digest(subgraph, query!, JSON.stringify(representation), others, viewer) };
      });
      const cacheable = refs.flatMap((ref, i) => (ref ? [i] : []));
      if (cacheable.length === 0) return forward(call);

      const found = await store.lookup(cacheable.map((i) => refs[i]!));
      const entities: unknown[] = new Array(representations.length);
      const versions = new Map<number, string>();
      const hitsByType = new Map<string, number>();
      cacheable.forEach((i, j) => {
        versions.set(i, found.versions[j]!);
        const value = found.values[j];
        if (value === undefined) return;
        entities[i] = JSON.parse(value);
        const type = String(representations[i]!.__typename);
        hitsByType.set(type, (hitsByType.get(type) ?? 0) + 1);
        metrics.bytes.inc({ subgraph, type, direction: "read" }, value.length);
      });
      const missing = representations.flatMap((_, i) => (entities[i] === undefined ? [i] : []));
      const missesByType = new Map<string, number>();
      for (const i of missing) {
        if (!refs[i]) continue;
        const type = String(representations[i]!.__typename);
        missesByType.set(type, (missesByType.get(type) ?? 0) + 1);
      }
      for (const [type, count] of hitsByType) metrics.entities.inc({ subgraph, type, result: "hit" }, count);
      for (const [type, count] of missesByType) metrics.entities.inc({ subgraph, type, result: "miss" }, count);
      metrics.fetches.inc({
        subgraph,
        result: missing.length === 0 ? "hit" : missing.length === representations.length ? "miss" : "partial",
      });
      if (missing.length === 0) return { data: { _entities: entities } };

      // Only the misses go out: the request (and its signed body) rebuilt with their representations.
      const sent = missing.length === representations.length ? representations : missing.map((i) => representations[i]!);
      const request = { ...call.options.request, variables: { ...variables, representations: sent } };
      const narrowed: SubgraphCall =
        sent === representations
          ? call
          : {
              ...call,
              options: { ...call.options, request },
              body: JSON.stringify({
                query,
                variables: request.variables,
                operationName: request.operationName,
                extensions: request.extensions,
              }),
            };
      const response = await forward(narrowed);
      const received = (response.data as Data | null | undefined)?._entities;
      if (!Array.isArray(received)) return sent === representations ? response : { ...response, data: response.data };

      // Entities with an error about them are passed on but never stored.
      const failed = new Set<number>();
      const errors = response.errors?.map((error) => {
        const path = error.path;
        if (path?.[0] !== "_entities" || typeof path[1] !== "number") return error;
        failed.add(path[1]);
        return { ...error, path: ["_entities", missing[path[1]]!, ...path.slice(2)] } as typeof error;
      });
      const writes: Entry[] = [];
      received.forEach((entity, k) => {
        const i = missing[k]!;
        entities[i] = entity;
        const ref = refs[i];
        if (!ref || entity === null || entity === undefined || failed.has(k)) return;
        const type = String(representations[i]!.__typename);
        const value = JSON.stringify(entity);
        metrics.bytes.inc({ subgraph, type, direction: "write" }, value.length);
        writes.push({ ...ref, value, ttlMs: policies.get(type)!.maxAgeMs, version: versions.get(i)! });
      });
      if (writes.length) await store.write(writes);
      return { ...response, data: { ...(response.data as Data), _entities: entities }, ...(errors && { errors }) };
    }
  };
}
