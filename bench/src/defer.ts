import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startGateway } from "./gateways.ts";
import { runLoad, type LoadResult } from "./load.ts";
import { median } from "./report.ts";

/**
 * @defer workload: the product page with its slow part deferred. Every inventory request waits
 * `delayMs` behind a small proxy (the deliberately slow subgraph: shipping estimate and stock), and
 * the page defers that part and the reviews. Measured through our router: time to the first part
 * and to the last part against the same query undeferred, then throughput of each.
 */

export const PRODUCT_PAGE_DEFERRED = `query ProductPageDeferred($sku: String!) {
  product(sku: $sku) {
    name price { formatted } category { name slug } description
    ... @defer(label: "shipping") { inStock shippingEstimate { formatted } }
    ... @defer(label: "reviews") { averageRating reviewCount reviews(first: 3) { edges { node { rating title body author { username } } } } }
  }
}`;
export const PRODUCT_PAGE = PRODUCT_PAGE_DEFERRED.replace("ProductPageDeferred", "ProductPage").replace(
  /\.\.\. @defer\(label: "\w+"\) \{ (.*) \}/g,
  "$1",
);

const MULTIPART = "multipart/mixed;deferSpec=20220824,application/json";

/** Forwards every request to `target` after `delayMs`: a slow subgraph without touching its code. */
async function delayingProxy(target: string, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      setTimeout(() => {
        const forwarded = http.request(
          { host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forwarded.on("error", () => res.destroy());
        forwarded.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${upstream.pathname}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface DeferFigures {
  delayMs: number;
  samples: number;
  /** Medians in ms. */
  undeferredMs: number;
  firstPartMs: number;
  lastPartMs: number;
  undeferredLoad: LoadResult;
  deferredLoad: LoadResult;
}

/** One request; when the answer has parts, the time its first part and its end arrived. */
async function timed(url: string, query: string, variables: Record<string, unknown>, accept: string) {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: JSON.stringify({ query, variables }),
  });
  let first: number | undefined;
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    // The first part is complete once the boundary after it has arrived.
    if (first === undefined && text.indexOf("\r\n---", 5) !== -1) first = performance.now() - started;
  }
  const last = performance.now() - started;
  if (!response.ok || text.includes('"errors"')) throw new Error(`bench request failed: ${response.status} ${text.slice(0, 300)}`);
  return { first: first ?? last, last, multipart: (response.headers.get("content-type") ?? "").startsWith("multipart/") };
}

export async function measureDefer({
  supergraphPath,
  inventoryUrl,
  workDir,
  delayMs,
  samples,
  connections,
  durationSeconds,
  sku,
  env = {},
}: {
  supergraphPath: string;
  inventoryUrl: string;
  workDir: string;
  delayMs: number;
  samples: number;
  connections: number;
  durationSeconds: number;
  sku: string;
  /** Extra env for the router (its token secret). */
  env?: NodeJS.ProcessEnv;
}): Promise<DeferFigures> {
  const proxy = await delayingProxy(inventoryUrl, delayMs);
  // The same supergraph, inventory routed through the slow proxy.
  const slowSupergraph = path.join(workDir, "defer-slow-inventory.graphql");
  writeFileSync(slowSupergraph, readFileSync(supergraphPath, "utf8").split(inventoryUrl).join(proxy.url));
  const router = await startGateway("ours", slowSupergraph, env);
  try {
    const variables = { sku };
    const deferredCheck = await timed(router.url, PRODUCT_PAGE_DEFERRED, variables, MULTIPART);
    if (!deferredCheck.multipart) throw new Error("the router answered the deferred product page without multipart");
    const undeferred: number[] = [];
    const first: number[] = [];
    const last: number[] = [];
    for (let i = 0; i < samples; i++) {
      undeferred.push((await timed(router.url, PRODUCT_PAGE, variables, "application/json")).last);
      const parts = await timed(router.url, PRODUCT_PAGE_DEFERRED, variables, MULTIPART);
      first.push(parts.first);
      last.push(parts.last);
    }
    const load = (query: string, accept: string) =>
      runLoad({ url: router.url, connections, durationSeconds, body: () => ({ query, variables, headers: { accept } }) });
    const undeferredLoad = await load(PRODUCT_PAGE, "application/json");
    const deferredLoad = await load(PRODUCT_PAGE_DEFERRED, MULTIPART);
    return {
      delayMs,
      samples,
      undeferredMs: median(undeferred),
      firstPartMs: median(first),
      lastPartMs: median(last),
      undeferredLoad,
      deferredLoad,
    };
  } finally {
    await router.stop();
    await proxy.close();
  }
}

export function deferMarkdown(figures: DeferFigures, connections: number): string[] {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const row = (name: string, load: LoadResult) =>
    `| ${name} | ${load.requestsPerSecond.toFixed(0)} | ${load.p50Ms} ms | ${load.p99Ms} ms | ${load.non2xx + load.errors} |`;
  return [
    `## @defer: product page with a slow inventory (${figures.delayMs} ms added per inventory request)`,
    "",
    `Medians of ${figures.samples} sequential requests through our router:`,
    "",
    "| | time |",
    "| --- | --- |",
    `| undeferred: whole response | ${ms(figures.undeferredMs)} |`,
    `| deferred: first part (name, price, category, description) | ${ms(figures.firstPartMs)} |`,
    `| deferred: last part | ${ms(figures.lastPartMs)} |`,
    "",
    `Throughput, ${connections} connections:`,
    "",
    "| query | req/s | p50 | p99 | failed |",
    "| --- | --- | --- | --- | --- |",
    row("undeferred (application/json)", figures.undeferredLoad),
    row("deferred (multipart/mixed)", figures.deferredLoad),
    "",
  ];
}
