import { Agent } from "undici";

/** What one HTTP attempt at a subgraph needs back: the status and the body text. */
export interface SubgraphHttpResponse {
  status: number;
  /** A plain record from undici's request API; a Headers object from a WHATWG fetch (tests). */
  headers: Headers | Record<string, string | string[] | undefined>;
  text(): Promise<string>;
}

export interface SubgraphHttpInit {
  method: "POST";
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
}

/** A fetch-shaped function (a WHATWG fetch fits too, which the tests use), narrowed to what the router sends. */
export type SubgraphFetcher = (url: string, init: SubgraphHttpInit) => Promise<SubgraphHttpResponse>;

/**
 * The fetcher the gateway uses to call one subgraph: a dedicated keep-alive connection pool; the
 * caller's signal (the fetch policy's deadline) bounds every call, so a slow subgraph cannot hold the
 * router's sockets forever.
 *
 * It uses undici's `Dispatcher.request` rather than undici's `fetch`: no Request/Response/Headers
 * objects or web streams per call, which under load was most of the router's HTTP client cost and
 * a good share of its garbage.
 */
export function createSubgraphFetcher({ connections }: { connections: number }) {
  const agent = new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
  // A subgraph data source always calls the same URL: split it once.
  let lastUrl = "";
  let target = { origin: "", path: "" };
  const fetcher: SubgraphFetcher = async (url, { method, headers, body, signal }) => {
    if (url !== lastUrl) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      lastUrl = url;
    }
    const response = await agent.request({ origin: target.origin, path: target.path, method, headers, body, signal });
    return { status: response.statusCode, headers: response.headers, text: () => response.body.text() };
  };
  return { fetcher, close: () => agent.close() };
}
