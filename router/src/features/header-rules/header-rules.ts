import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { z } from "zod";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";

/**
 * Header rules: which client request headers reach which subgraph, and which subgraph response
 * headers reach the client. Both are allowlists and empty by default, so nothing crosses unless
 * named: not `authorization`, not cookies (name them to pass them on). Headers the router owns
 * (x-supergraph-*, framing, hop-by-hop, CORS, the request id) can never be named.
 */
const ROUTER_OWNED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "content-type",
  "content-encoding",
  "x-request-id",
]);

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name")
  .transform((name) => name.toLowerCase())
  .refine((name) => !name.startsWith("x-supergraph-"), { message: "x-supergraph-* headers are the router's own and are never propagated" })
  .refine((name) => !ROUTER_OWNED.has(name), { message: "is set by the router or the connection itself and cannot be propagated" })
  .refine((name) => !name.startsWith("access-control-"), { message: "CORS headers come from the router's cors section" });

const rules = z
  .object({
    /** Client request headers forwarded to the subgraph(s). */
    request: z.array(headerName).default([]),
    /** Subgraph response headers passed back to the client (when several subgraphs send one, the last answer wins). */
    response: z.array(headerName).default([]),
  })
  .strict();

export const headersSchema = z
  .object({
    /** Rules for every subgraph. */
    all: rules.prefault({}),
    /** Rules for one subgraph, added to `all`. */
    subgraphs: z.record(z.string(), rules).default({}),
  })
  .strict()
  .prefault({});

export type HeadersConfig = z.output<typeof headersSchema>;

/** Header names for one subgraph: `all` plus its own, built once per subgraph name. */
function namesBySubgraph(config: HeadersConfig, direction: "request" | "response"): (subgraph: string) => readonly string[] {
  const cache = new Map<string, readonly string[]>();
  return (subgraph) => {
    let names = cache.get(subgraph);
    if (!names) cache.set(subgraph, (names = [...new Set([...config.all[direction], ...(config.subgraphs[subgraph]?.[direction] ?? [])])]));
    return names;
  };
}

/** Every client header some rule forwards to some subgraph (what can make two requests differ upstream). */
export function forwardedRequestHeaders(config: HeadersConfig): string[] {
  return [...new Set([...config.all.request, ...Object.values(config.subgraphs).flatMap((rules) => rules.request)])].sort();
}

/** Passes the collected subgraph response headers to the client; one listener for every request. */
function responseHeadersPlugin(): ApolloServerPlugin<RouterContext> {
  const listener: GraphQLRequestListener<RouterContext> = {
    async willSendResponse({ contextValue, response }) {
      for (const [name, value] of contextValue.responseHeaders) response.http.headers.set(name, value);
    },
  };
  return { requestDidStart: async () => listener };
}

/** Nothing is registered for a direction without rules, so unused rules cost nothing per request. */
export function createHeaderRulesHooks(config: HeadersConfig): FeatureHooks {
  const all = [config.all, ...Object.values(config.subgraphs)];
  const forwardsRequests = all.some((r) => r.request.length > 0);
  const returnsResponses = all.some((r) => r.response.length > 0);
  if (!forwardsRequests && !returnsResponses) return {};
  const requestNames = namesBySubgraph(config, "request");
  const responseNames = namesBySubgraph(config, "response");
  return {
    subgraphCall: (next, subgraph) => {
      const forwarded = requestNames(subgraph.name);
      const returned = responseNames(subgraph.name);
      return (call) => {
        const { context } = call;
        if (!context) return next(call);
        if (forwardsRequests) {
          const client = context.clientHeaders;
          for (const name of forwarded) {
            const value = client[name];
            if (value !== undefined) call.headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
        }
        if (returnsResponses) {
          call.onResponseHeaders = (headers) => {
            for (const name of returned) {
              const value = headers.get(name);
              if (value !== undefined && value !== null) context.responseHeaders.set(name, value);
            }
          };
        }
        return next(call);
      };
    },
    ...(returnsResponses && { operation: [responseHeadersPlugin()] }),
  };
}
