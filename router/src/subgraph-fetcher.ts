import { Agent, fetch as undiciFetch } from "undici";
import type { Fetcher } from "@apollo/utils.fetcher";

/**
 * The fetcher the gateway uses to call one subgraph: a dedicated keep-alive connection pool and a
 * timeout per fetch, so a slow subgraph cannot hold the router's sockets forever.
 */
export function createSubgraphFetcher({ timeoutMs, connections }: { timeoutMs: number; connections: number }) {
  const agent = new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
  // The fetch policy passes the signal of its deadline; the pool's own timeout is the backstop.
  const fetcher = ((url: string, init?: Record<string, any>) =>
    undiciFetch(url, { ...init, dispatcher: agent, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) } as never)) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
}
