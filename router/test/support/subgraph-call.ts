import type { RouterContext } from "../../src/context.ts";
import type { FeatureHooks } from "../../src/features/feature.ts";

interface RequestCall {
  subgraph: string;
  context: RouterContext | undefined;
  headers: Record<string, string>;
  body: string;
}

/** Runs a feature's subgraphCall wrapper on one request record, up to the (never made) HTTP attempt; `headers` is what would be sent. */
export function subgraphRequest(hooks: FeatureHooks, { subgraph, context, headers, body }: RequestCall): void {
  void hooks.subgraphCall!(async () => ({}) as never, { name: subgraph, url: "" })({ options: {} as never, context, headers, body });
}

/** Runs a feature's subgraphCall wrapper on a fetch whose subgraph answered with these headers. */
export function subgraphResponse(
  hooks: FeatureHooks,
  { subgraph, context, headers }: { subgraph: string; context: RouterContext; headers: Headers },
): void {
  const answer = async (call: { onResponseHeaders?: (headers: Headers) => void }) => (call.onResponseHeaders?.(headers), {}) as never;
  void hooks.subgraphCall!(answer, { name: subgraph, url: "" })({ options: {} as never, context, headers: {}, body: "" });
}
