import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  /** Builds the n-th request body; each also gets a distinct nonce so no two requests are identical. */
  body: (sequence: number) => {
    query: string;
    variables?: Record<string, unknown>;
    operationName?: string;
    headers?: Record<string, string>;
  };
  connections: number;
  durationSeconds: number;
  /** Requests per second in all, when the load should come at a fixed rate rather than as fast as answered. */
  rate?: number;
  /** False: every request is the same body (no nonce), as a burst of clients asking the same thing. */
  distinct?: boolean;
}

/**
 * Fixed-concurrency load (autocannon): `connections` clients each sending the next request as soon as
 * one returns; with `rate`, no more than that many requests per second in all.
 */
export async function runLoad({
  url,
  body: bodyFor,
  connections,
  durationSeconds,
  rate,
  distinct = true,
}: LoadOptions): Promise<LoadResult> {
  let sequence = 0;
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    ...(rate && { overallRate: rate }),
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          const { headers, ...body } = bodyFor(sequence);
          sequence++;
          // An unused extra variable makes every request body distinct without changing its result.
          const sent = {
            ...request,
            body: JSON.stringify(distinct ? { ...body, variables: { ...body.variables, nonce: sequence } } : body),
          };
          return headers ? { ...sent, headers: { ...request.headers, ...headers } } : sent;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
