import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { RouterContext } from "../context.ts";
import type { SubgraphResponse } from "./send.ts";

/** One fetch from a subgraph for the query plan, as it passes through the features' subgraphCall wrappers. */
export interface SubgraphCall {
  /** What the gateway asked for: the request (query, variables), and the plan's document when it keeps one. */
  options: GraphQLDataSourceProcessOptions<RouterContext>;
  context: RouterContext | undefined;
  /** Mutable: what is set here is sent. Lower-case names. */
  headers: Record<string, string>;
  /** The serialized request, exactly what is sent (and signed). */
  body: string;
  /** Aborts the HTTP attempt (the fetch deadline). */
  signal?: AbortSignal;
  /** Sees the response's headers when set (header rules); the common path builds no Headers object. */
  onResponseHeaders?: (headers: Headers) => void;
}

export type SubgraphCallHandler = (call: SubgraphCall) => Promise<SubgraphResponse>;

export interface SubgraphTarget {
  name: string;
  url: string;
}

/** A feature's part of every subgraph fetch, in the manner of Hive Gateway's onSubgraphExecute: built once per subgraph. */
export type SubgraphCallWrapper = (next: SubgraphCallHandler, subgraph: SubgraphTarget) => SubgraphCallHandler;

/** The one chain a subgraph's fetches run through: the first wrapper outermost, `send` innermost. */
export function composeSubgraphCall(
  wrappers: readonly SubgraphCallWrapper[],
  send: SubgraphCallHandler,
  subgraph: SubgraphTarget,
): SubgraphCallHandler {
  return wrappers.reduceRight<SubgraphCallHandler>((next, wrap) => wrap(next, subgraph), send);
}
