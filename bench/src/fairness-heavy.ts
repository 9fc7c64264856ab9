/**
 * The heavy clients of the fair-use row, in a process of their own so that the light client's
 * timings are not those of a load generator's busy event loop. argv: url, clients, connections,
 * seconds. Sends its combined LoadResult to the parent over IPC.
 */
import { runLoad, type LoadResult } from "./load.ts";
import { HEAVY_QUERY } from "./workload1/schema.ts";

const [url, clients, connections, seconds] = process.argv.slice(2);
const results: LoadResult[] = await Promise.all(
  Array.from({ length: Number(clients) }, (_, i) =>
    runLoad({
      url: url!,
      body: () => ({ query: HEAVY_QUERY, operationName: "TestQuery", headers: { "x-forwarded-for": `198.51.100.${i + 1}` } }),
      connections: Number(connections),
      durationSeconds: Number(seconds),
    }),
  ),
);
process.send!({
  requestsPerSecond: results.reduce((n, r) => n + r.requestsPerSecond, 0),
  p50Ms: Math.max(...results.map((r) => r.p50Ms)),
  p99Ms: Math.max(...results.map((r) => r.p99Ms)),
  requests: results.reduce((n, r) => n + r.requests, 0),
  non2xx: results.reduce((n, r) => n + r.non2xx, 0),
  errors: results.reduce((n, r) => n + r.errors, 0),
} satisfies LoadResult);
process.disconnect();
