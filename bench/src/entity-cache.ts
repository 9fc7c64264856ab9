/**
 * `npm run bench:cache -w @store/bench [-- --duration 10 --connections 20]`
 *
 * The entity cache on the store workload: product page, search and order history through our
 * router with the cache off, on (a hot set of products, as a storefront's traffic is), and on with
 * every request a miss (a one-entity cache: each lookup misses, each answer is written and evicted).
 * Reports req/s, p99 and SQL statements per operation side by side; writes bench/results/entity-cache-<time>.md.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startStoreSubgraphs } from "./store-subgraphs.ts";
import { startGateway } from "./gateways.ts";
import { runLoad, type LoadResult } from "./load.ts";
import { signBenchTokens, storeOperations, useBenchTokens } from "./workload2/operations.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "20" },
    /** Distinct products the product page load asks for (of 1000). */
    hot: { type: "string", default: "100" },
  },
});
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const hot = Number(values.hot);
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const workDir = mkdtempSync(path.join(os.tmpdir(), "bench-cache-"));

const MODES = {
  off: { entityCache: { enabled: false } },
  on: { entityCache: { enabled: true } },
  "all-miss": { entityCache: { enabled: true, memory: { maxEntities: 1 } } },
} as const;

const OPERATIONS = ["product page", "search", "orders with tracking"].map((name) => {
  const op = storeOperations.find((o) => o.name === name)!;
  // The product page over a hot set of products; search and order history as the workload has them.
  return { name, body: name === "product page" ? (n: number) => op.body(n % hot) : op.body };
});

async function readMetric(url: string, metric: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

const jwtSecret = randomBytes(32).toString("base64url");
useBenchTokens(await signBenchTokens(jwtSecret));
console.log("Entity cache bench: starting the store's subgraphs (PGlite, seeded)");
const stack = await startStoreSubgraphs({ workDir, workload: "cache", jwtSecret });
const statements = async () =>
  (await Promise.all(Object.values(stack.subgraphUrls).map((u) => readMetric(u, "db_queries_total")))).reduce((a, b) => a + b, 0);

const rows: Array<{ op: string; mode: string; load: LoadResult; sqlPerOp: number }> = [];
try {
  for (const [mode, config] of Object.entries(MODES)) {
    const file = path.join(workDir, `${mode}.json`);
    writeFileSync(file, JSON.stringify(config));
    const gateway = await startGateway("ours", stack.supergraphPath, { ROUTER_CONFIG: file, AUTH_JWT_SECRET: jwtSecret });
    try {
      for (const op of OPERATIONS) {
        await runLoad({ url: gateway.url, body: op.body, connections, durationSeconds: warmup });
        const before = await statements();
        const load = await runLoad({ url: gateway.url, body: op.body, connections, durationSeconds: duration });
        const sqlPerOp = ((await statements()) - before) / Math.max(1, load.requests);
        if (load.non2xx || load.errors) console.warn(`${mode} ${op.name}: ${load.non2xx} non-2xx, ${load.errors} errors`);
        rows.push({ op: op.name, mode, load, sqlPerOp });
        console.log(
          `${op.name} cache ${mode}: ${load.requestsPerSecond.toFixed(0)} req/s, p99 ${load.p99Ms} ms, ${sqlPerOp.toFixed(2)} SQL statements/op`,
        );
      }
    } finally {
      await gateway.stop();
    }
  }
} finally {
  await stack.stop();
}

const lines = [
  `# Entity cache bench (${new Date().toISOString()})`,
  "",
  `${connections} connections, ${duration} s per run after ${warmup} s warm-up; product page over ${hot} of 1000 products.`,
  "",
  "| operation | cache | req/s | p99 ms | SQL statements/op | vs off |",
  "|---|---|---|---|---|---|",
  ...rows.map((row) => {
    const off = rows.find((r) => r.op === row.op && r.mode === "off")!;
    return `| ${row.op} | ${row.mode} | ${row.load.requestsPerSecond.toFixed(0)} | ${row.load.p99Ms} | ${row.sqlPerOp.toFixed(2)} | ${(row.load.requestsPerSecond / off.load.requestsPerSecond).toFixed(2)}x |`;
  }),
];
const resultsDir = path.join(repoRoot, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const out = path.join(resultsDir, `entity-cache-${new Date().toISOString().replace(/[:.]/g, "-")}.md`);
writeFileSync(out, lines.join("\n") + "\n");
console.log(lines.join("\n"));
console.log(`\nWritten to ${out}`);
