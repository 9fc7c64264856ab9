/**
 * `npm run bench [-- --workload 1|2|fairness|all --rounds 3 --duration 10 --connections 50 --smoke]`
 *
 * Puts our router and stock @apollo/gateway side by side: the gateway under test pinned to core 0,
 * the load generator and the subgraphs on core 1, alternating rounds so machine drift cancels.
 * Before timing, every gateway's answers must equal stock's and carry no errors.
 * Writes bench/results/<time>.md and .json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { composeSubgraphs } from "@store/composition";
import { startOtlpReceiver } from "@store/stack";
import { startStoreSubgraphs } from "./store-subgraphs.ts";
import { startGateway, type GatewayName, type GatewayProcess } from "./gateways.ts";
import { runLoad, type LoadResult } from "./load.ts";
import { median, toMarkdown, type GatewayFigures, type WorkloadReport } from "./report.ts";
import { HEAVY_QUERY } from "./workload1/schema.ts";
import { startWorkload1Subgraphs } from "./workload1/subgraphs.ts";
import { randomBytes } from "node:crypto";
import { signBenchTokens, storeOperations, useBenchTokens } from "./workload2/operations.ts";
import { overheadOf, routerTraces, type OverheadFigures } from "./workload2/router-overhead.ts";
import { fairnessMarkdown, measureFairness, type FairnessRow } from "./fairness.ts";
import { deferMarkdown, measureDefer, type DeferFigures } from "./defer.ts";

const { values } = parseArgs({
  options: {
    workload: { type: "string", default: "all" },
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    smoke: { type: "boolean", default: false },
  },
});
const smoke = values.smoke!;
const settings = {
  rounds: smoke ? 1 : Number(values.rounds),
  duration: smoke ? 1 : Number(values.duration),
  warmup: smoke ? 1 : Number(values.warmup),
  connections: smoke ? 10 : Number(values.connections),
};
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const workDir = mkdtempSync(path.join(os.tmpdir(), "bench-"));
const GATEWAYS: GatewayName[] = ["stock", "ours"];

type Body = { query: string; variables?: Record<string, unknown>; operationName?: string; headers?: Record<string, string> };

async function post(url: string, { headers, ...body }: Body): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** Every query must answer exactly like stock, with no errors; mutations must simply succeed. */
async function verify(gateways: GatewayProcess[], bodies: Array<{ body: Body; mutation: boolean; name: string }>) {
  const [stock, ...others] = gateways;
  for (const { body, mutation, name } of bodies) {
    const expected = await post(stock!.url, body);
    if (expected.errors) throw new Error(`stock answered "${name}" with errors: ${JSON.stringify(expected.errors).slice(0, 500)}`);
    for (const gateway of others) {
      const actual = await post(
        gateway.url,
        mutation ? { ...body, variables: { ...body.variables, key: `${body.variables?.key}-${gateway.name}` } } : body,
      );
      if (actual.errors) throw new Error(`${gateway.name} answered "${name}" with errors: ${JSON.stringify(actual.errors).slice(0, 500)}`);
      if (!mutation && !isDeepStrictEqual(actual, expected)) throw new Error(`${gateway.name} answered "${name}" differently from stock`);
    }
  }
}

async function measure(
  gateways: GatewayProcess[],
  bodyFor: (n: number) => Body,
  countFetches: () => Promise<number>,
  sampleBodies: Body[],
): Promise<GatewayFigures[]> {
  const results = new Map<string, LoadResult[]>(gateways.map((g) => [g.name, []]));
  const fetchesPerOp = new Map<string, number>();
  // Counted before any load: a gateway keeps working off abandoned requests after a load run ends.
  for (const gateway of gateways) {
    const before = await countFetches();
    for (const body of sampleBodies) await post(gateway.url, body);
    fetchesPerOp.set(gateway.name, ((await countFetches()) - before) / sampleBodies.length);
  }
  for (const gateway of gateways) {
    await runLoad({ url: gateway.url, body: bodyFor, connections: settings.connections, durationSeconds: settings.warmup });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let it drain before the next one starts
  }
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? gateways : [...gateways].reverse();
    for (const gateway of order) {
      const result = await runLoad({
        url: gateway.url,
        body: bodyFor,
        connections: settings.connections,
        durationSeconds: settings.duration,
      });
      results.get(gateway.name)!.push(result);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      console.log(
        `  round ${round + 1} ${gateway.name.padEnd(5)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms`,
      );
    }
  }
  return gateways.map((gateway) => figuresOf(gateway.name, results.get(gateway.name)!, gateway, fetchesPerOp.get(gateway.name)!));
}

/** One gateway's row: medians over its rounds. */
function figuresOf(name: string, rounds: LoadResult[], gateway: GatewayProcess, fetchesPerOperation: number): GatewayFigures {
  return {
    gateway: name,
    rounds,
    medianRps: median(rounds.map((r) => r.requestsPerSecond)),
    medianP50Ms: median(rounds.map((r) => r.p50Ms)),
    medianP99Ms: median(rounds.map((r) => r.p99Ms)),
    peakMemoryMiB: gateway.peakMemoryMiB(),
    fetchesPerOperation,
    failedRequests: rounds.reduce((n, r) => n + r.non2xx + r.errors, 0),
  };
}

async function withGateways<T>(
  supergraphPath: string,
  work: (gateways: GatewayProcess[]) => Promise<T>,
  env: NodeJS.ProcessEnv = {},
): Promise<T> {
  const gateways: GatewayProcess[] = [];
  try {
    for (const name of GATEWAYS) gateways.push(await startGateway(name, supergraphPath, env));
    return await work(gateways);
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
  }
}

async function workload1(): Promise<WorkloadReport> {
  console.log("Workload 1: public federation benchmark schema, in-memory subgraphs, heavy nested query");
  const subgraphs = await startWorkload1Subgraphs();
  try {
    const composed = composeSubgraphs(
      Object.keys(subgraphs.urls).map((name) => ({ name, url: subgraphs.urls[name]!, sdl: subgraphs.sdl[name]! })),
    );
    if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join("\n"));
    const supergraphPath = path.join(workDir, "workload1.graphql");
    writeFileSync(supergraphPath, composed.supergraphSdl);
    const body = { query: HEAVY_QUERY, operationName: "TestQuery" };
    const countFetches = async () => Object.values(subgraphs.fetches).reduce((a, b) => a + b, 0);
    const report = await withGateways(supergraphPath, async (gateways) => {
      await verify(gateways, [{ body, mutation: false, name: "TestQuery" }]);
      return {
        workload: "Workload 1: federation benchmark (4 in-memory subgraphs)",
        description:
          "The public gateway benchmark's accounts/inventory/products/reviews schemas and its heavy nested query; every request body distinct.",
        gateways: await measure(gateways, () => body, countFetches, [body]),
        notes: [],
      } as WorkloadReport;
    });
    // Peak memory grows with the request rate a gateway sustains, so the full-speed figure puts a
    // faster gateway at a disadvantage. Fresh processes (the peak is a high-water mark) then serve
    // the same fixed rate, 80% of the slowest gateway's median, so their memory compares like for like.
    const rate = Math.max(1, Math.floor(0.8 * Math.min(...report.gateways.map((g) => g.medianRps))));
    await withGateways(supergraphPath, async (gateways) => {
      for (const gateway of gateways) {
        await runLoad({ url: gateway.url, body: () => body, connections: settings.connections, durationSeconds: settings.duration, rate });
        report.gateways.find((g) => g.gateway === gateway.name)!.peakMemoryAtEqualRateMiB = gateway.peakMemoryMiB();
      }
    });
    report.equalRate = rate;
    report.gateways.push(await mergedIdenticalQueries(supergraphPath, () => body, countFetches));
    report.notes.push(
      "The last row is our router with traffic.mergeIdenticalQueries on, under a load where every request is the same body. " +
        "The rows above it send distinct requests with merging off (its default): those are the figures the targets are measured on.",
    );
    return report;
  } finally {
    await subgraphs.stop();
  }
}

/**
 * Apart from the target figures, which send distinct requests: our router with
 * traffic.mergeIdenticalQueries on, under the same load where every request is the same body.
 * Fetches per operation are counted under that load, where the merging happens.
 */
async function mergedIdenticalQueries(
  supergraphPath: string,
  bodyFor: (n: number) => Body,
  countFetches: () => Promise<number>,
): Promise<GatewayFigures> {
  const gateway = await startGateway("ours", supergraphPath, { ROUTER_MERGE_IDENTICAL_QUERIES: "true" });
  try {
    const load = (durationSeconds: number) =>
      runLoad({ url: gateway.url, body: bodyFor, connections: settings.connections, durationSeconds, distinct: false });
    await load(settings.warmup);
    const rounds: LoadResult[] = [];
    let fetches = 0;
    for (let round = 0; round < settings.rounds; round++) {
      const before = await countFetches();
      const result = await load(settings.duration);
      fetches += (await countFetches()) - before;
      rounds.push(result);
      console.log(
        `  round ${round + 1} ours, identical requests merged ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms`,
      );
    }
    const requests = rounds.reduce((n, r) => n + r.requests, 0);
    return figuresOf("ours, identical requests merged (not a target figure)", rounds, gateway, requests ? fetches / requests : 0);
  } finally {
    await gateway.stop();
  }
}

async function readMetric(url: string, metric: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `))
    .reduce((sum, l) => sum + (l.includes('route="graphql"') || !l.includes("route=") ? Number(l.slice(l.lastIndexOf(" ") + 1)) : 0), 0);
}

/**
 * What our router adds on top of the subgraph calls, per read operation of the mix: a separate
 * router process with tracing on (so the load runs stay untraced), one request at a time.
 */
async function routerOverhead(supergraphPath: string, env: NodeJS.ProcessEnv): Promise<OverheadFigures[]> {
  const receiver = await startOtlpReceiver();
  const router = await startGateway("ours", supergraphPath, {
    ...env,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  const samples = smoke ? 3 : 30;
  try {
    const figures: OverheadFigures[] = [];
    for (const op of storeOperations.filter((o) => !o.mutation)) {
      for (let n = 0; n < 3; n++) await post(router.url, op.body(n)); // plans cached, pools open
      const from = Date.now();
      for (let n = 0; n < samples; n++) await post(router.url, op.body(1000 + n));
      const to = Date.now();
      const inWindow = () => routerTraces(receiver.spans).filter((t) => t.server.startMs >= from && t.server.startMs <= to);
      await receiver.waitFor(() => inWindow().length >= samples, 15_000);
      await new Promise((r) => setTimeout(r, 300)); // the last client spans may come in the next export
      figures.push(overheadOf(op.name, inWindow()));
    }
    return figures;
  } finally {
    await router.stop();
    await receiver.close();
  }
}

async function workload2(): Promise<WorkloadReport> {
  console.log("Workload 2: the store graph on its real databases (PGlite), frontend operation mix");
  const seedEnv = smoke ? { SEED_USERS: "200", SEED_PRODUCTS: "1000", SEED_REVIEWS: "1000", SEED_ORDERS: "300" } : {};
  // Checkout is placed by signed-in users: both gateways verify their tokens with this secret.
  const jwtSecret = randomBytes(32).toString("base64url");
  useBenchTokens(await signBenchTokens(jwtSecret));
  const stack = await startStoreSubgraphs({ workDir, workload: "workload2", jwtSecret, seedEnv });
  try {
    const subgraphUrls = Object.values(stack.subgraphUrls);
    const countFetches = async () =>
      (await Promise.all(subgraphUrls.map((u) => readMetric(u, "http_requests_total")))).reduce((a, b) => a + b, 0);
    const statements = async () =>
      Object.fromEntries(
        await Promise.all(Object.entries(stack.subgraphUrls).map(async ([n, u]) => [n, await readMetric(u, "db_queries_total")])),
      );
    const mix = (n: number) => storeOperations[n % storeOperations.length]!.body(Math.floor(n / storeOperations.length));
    return await withGateways(
      stack.supergraphPath,
      async (gateways) => {
        await verify(
          gateways,
          storeOperations.map((op, i) => ({ body: op.body(i + 11), mutation: op.mutation, name: op.name })),
        );
        // SQL statements per operation, at two sizes of the same list: they must not grow with it.
        const notes: string[] = [];
        for (const op of storeOperations.filter((o) => !o.mutation)) {
          const before = await statements();
          await post(gateways[1]!.url, op.body(5));
          await new Promise((r) => setTimeout(r, 50));
          const after = await statements();
          const perSubgraph = Object.entries(after)
            .map(([n, v]) => [n, (v as number) - (before[n] as number)])
            .filter(([, v]) => v);
          notes.push(`${op.name}: SQL statements per operation ${perSubgraph.map(([n, v]) => `${n} ${v}`).join(", ")}`);
        }
        const sizes: number[] = [];
        for (const first of [10, 100]) {
          const before = await statements();
          await post(gateways[1]!.url, {
            query: `{ products(first: ${first}) { edges { node { name inStock averageRating reviews(first: 3) { edges { node { author { name } } } } } } } }`,
          });
          await new Promise((r) => setTimeout(r, 50));
          const after = await statements();
          sizes.push(Object.keys(after).reduce((n, k) => n + (after[k] as number) - (before[k] as number), 0));
        }
        notes.push(
          `products(first: 10) vs (first: 100) with stock, ratings, reviews and authors: ${sizes[0]} vs ${sizes[1]} SQL statements in all subgraphs`,
        );
        const figures = await measure(
          gateways,
          mix,
          countFetches,
          storeOperations.filter((o) => !o.mutation).map((o, i) => o.body(i)),
        );
        const overhead = await routerOverhead(stack.supergraphPath, { AUTH_JWT_SECRET: jwtSecret });
        for (const o of overhead) {
          notes.push(
            `${o.operation}, one request at a time through our router (traced, median of ${o.samples}): ${o.totalMs} ms in all; slowest subgraph call ${o.slowestCallMs} ms; ` +
              `subgraph calls in flight ${o.callsInFlightMs} ms; **router alone ${o.routerOnlyMs} ms**`,
          );
        }
        return {
          overhead,
          workload: "Workload 2: store graph on PGlite",
          description:
            "Product page, search, order history with tracking and checkout, round-robin; real subgraphs on PGlite, each its own process.",
          gateways: figures,
          notes,
        };
      },
      { AUTH_JWT_SECRET: jwtSecret },
    );
  } finally {
    await stack.stop();
  }
}

// The machine may be shared: the load average says how much the figures can be trusted.
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
const loadAtStart = loadAverage();
const reports: WorkloadReport[] = [];
if (values.workload === "1" || values.workload === "all") reports.push(await workload1());
if (values.workload === "2" || values.workload === "all") reports.push(await workload2());
const heavyConnections = smoke ? 4 : 24;
let fairnessRows: FairnessRow[] | undefined;
if (values.workload === "fairness" || values.workload === "all") {
  console.log("Fair use: a light client's latency while ten heavy anonymous clients load the router");
  const subgraphs = await startWorkload1Subgraphs();
  try {
    const composed = composeSubgraphs(
      Object.keys(subgraphs.urls).map((name) => ({ name, url: subgraphs.urls[name]!, sdl: subgraphs.sdl[name]! })),
    );
    if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join("\n"));
    const supergraphPath = path.join(workDir, "fairness.graphql");
    writeFileSync(supergraphPath, composed.supergraphSdl);
    fairnessRows = await measureFairness(supergraphPath, { durationSeconds: settings.duration, heavyConnections, workDir });
  } finally {
    await subgraphs.stop();
  }
}

// @defer: the product page with a deliberately slow inventory, deferred against undeferred.
let deferFigures: DeferFigures | undefined;
if (values.workload === "defer" || values.workload === "all") {
  console.log("@defer: product page with a slow inventory subgraph, first and last part against the undeferred response");
  const jwtSecret = randomBytes(32).toString("base64url");
  const stack = await startStoreSubgraphs({
    workDir,
    workload: "defer",
    jwtSecret,
    seedEnv: { SEED_PRODUCTS: "1000", SEED_USERS: "200", SEED_REVIEWS: "1000", SEED_ORDERS: "100" },
  });
  try {
    deferFigures = await measureDefer({
      supergraphPath: stack.supergraphPath,
      inventoryUrl: stack.subgraphUrls.inventory!,
      workDir,
      delayMs: 200,
      samples: smoke ? 5 : 30,
      connections: settings.connections,
      durationSeconds: settings.duration,
      sku: "SKU-00042",
      env: { AUTH_JWT_SECRET: jwtSecret },
    });
  } finally {
    await stack.stop();
  }
}

const settingsLine = `${new Date().toISOString()} · ${os.cpus().length} cores · ${settings.connections} connections · ${settings.rounds} rounds × ${settings.duration} s after ${settings.warmup} s warm-up · load average (1/5/15 min) ${loadAtStart} at start, ${loadAverage()} at end${smoke ? " · SMOKE (figures not meaningful)" : ""}`;
const markdown = [
  toMarkdown(reports, settingsLine),
  ...(fairnessRows ? fairnessMarkdown(fairnessRows, heavyConnections) : []),
  ...(deferFigures ? deferMarkdown(deferFigures, settings.connections) : []),
].join("\n");
console.log(`\n${markdown}`);
const resultsDir = path.join(repoRoot, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
writeFileSync(path.join(resultsDir, `${stamp}${smoke ? "-smoke" : ""}.md`), markdown);
writeFileSync(
  path.join(resultsDir, `${stamp}${smoke ? "-smoke" : ""}.json`),
  JSON.stringify({ settings, reports, fairness: fairnessRows, defer: deferFigures }, null, 2),
);
// The light client is never refused: its share of the router is its own.
const failed =
  reports.some((r) => r.gateways.some((g) => g.failedRequests > 0 || g.medianRps === 0)) ||
  (fairnessRows ?? []).some((row) => row.light.non2xx + row.light.errors > 0 || row.light.requests === 0) ||
  (deferFigures !== undefined &&
    [deferFigures.deferredLoad, deferFigures.undeferredLoad].some((load) => load.non2xx + load.errors > 0 || load.requests === 0));
process.exit(failed ? 1 : 0);
