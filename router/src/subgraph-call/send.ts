import type { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { SubgraphFailure, TRANSIENT_STATUSES } from "./failure.ts";
import type { SubgraphFetcher, SubgraphHttpResponse } from "./fetcher.ts";

/** The response headers as a WHATWG Headers: undici's request API gives a plain record. */
function asHeaders(headers: SubgraphHttpResponse["headers"]): Headers {
  if (headers instanceof Headers) return headers;
  const converted = new Headers();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) converted.append(name, one);
  }
  return converted;
}

export type SubgraphRequest = GraphQLDataSourceProcessOptions["request"];
export type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource["process"]>>;

/** One HTTP attempt at a subgraph, as the subgraph-call chain hands it over. */
export interface SubgraphAttempt {
  subgraph: string;
  url: string;
  fetcher: SubgraphFetcher;
  request: SubgraphRequest;
  /** The serialized request, exactly as signed and sent (built from `request` when absent). */
  body?: string;
  headers: Record<string, string>;
  /** The fetch deadline (features/traffic). */
  signal?: AbortSignal;
  /** Sees the response's headers (header rules), when set. */
  onResponseHeaders?: (headers: Headers) => void;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * One HTTP attempt at a subgraph. Anything that is not a GraphQL response becomes a SubgraphFailure
 * saying what went wrong in words safe for a client (the subgraph's own body is never echoed).
 * A 4xx carrying a GraphQL body (the subgraph rejected the operation) passes through as an answer.
 */
export async function sendSubgraphRequest({
  subgraph,
  url,
  fetcher,
  request,
  body: sentBody,
  headers,
  signal,
  onResponseHeaders,
}: SubgraphAttempt): Promise<SubgraphResponse> {
  const { query, variables, operationName, extensions } = request;
  const fail = (kind: "unreachable" | "timeout" | "http-status" | "invalid-response", detail: string, transient = false) =>
    new SubgraphFailure(subgraph, kind, detail, transient);
  let status: number;
  let text: string;
  let responseHeaders: SubgraphHttpResponse["headers"];
  try {
    const response = await fetcher(url, {
      method: "POST",
      headers,
      body: sentBody ?? JSON.stringify({ query, variables, operationName, extensions }),
      signal,
    });
    status = response.status;
    responseHeaders = response.headers;
    text = await response.text();
  } catch (error) {
    if (signal?.aborted || (error as Error).name === "TimeoutError") throw fail("timeout", "it did not answer in time");
    // undici's request API puts the socket error's code on the error itself; fetch puts it on `cause`.
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    throw fail("unreachable", `it could not be reached${cause ? ` (${cause})` : ""}`, true);
  }
  if (status >= 500) throw fail("http-status", `it answered HTTP ${status}`, TRANSIENT_STATUSES.has(status));
  // Only a subgraph refusing the router's own request signature answers 401: the client is not at fault.
  if (status === 401) throw fail("http-status", "it refused the router's request signature (HTTP 401)");

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw fail("invalid-response", `HTTP ${status} with a body that is not JSON`);
  }
  if (!isObject(body) || (body.errors === undefined && body.data === undefined)) {
    throw fail("invalid-response", `HTTP ${status} with JSON that has neither data nor errors`);
  }
  const { data, errors } = body;
  if ((errors !== undefined && !Array.isArray(errors)) || (data !== undefined && data !== null && !isObject(data))) {
    throw fail("invalid-response", `HTTP ${status} with malformed data or errors`);
  }
  if (status >= 400 && !errors?.length) throw fail("invalid-response", `HTTP ${status} without GraphQL errors`);

  // An entity fetch must answer one entry per representation, or the gateway cannot place them.
  const representations = variables?.representations;
  if (Array.isArray(representations) && isObject(data)) {
    const entities = data._entities;
    if (!Array.isArray(entities) || entities.length !== representations.length) {
      throw fail("invalid-response", `expected ${representations.length} entities in _entities`);
    }
  }
  // A Headers object only when a feature reads them (header rules): the common path stays without one.
  if (onResponseHeaders) onResponseHeaders(asHeaders(responseHeaders));
  return body as SubgraphResponse;
}
