import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startGateway, type GatewayProcess } from "./gateways.ts";
import type { LoadResult } from "./load.ts";

/**
 * Fair use under load: one light client (one connection, a one-subgraph query) alone, then while ten
 * heavy anonymous clients (each its own address, many connections, the heavy nested query) load the
 * router, with the per-client cap on operations in flight on (production's default) and off. What is
 * compared is the light client's p99. Our router only: stock @apollo/gateway has no such policy.
 */
export interface FairnessSettings {
  durationSeconds: number;
  /** Connections each heavy client keeps busy. */
  heavyConnections: number;
  workDir: string;
}

export interface FairnessRow {
  scenario: string;
  light: LoadResult;
  /** The ten heavy clients together; undefined when they did not run. */
  heavy?: LoadResult;
}

const LIGHT = { query: `query Light { me { name } }`, operationName: "Light" };
const HEAVY_CLIENTS = 10;

async function withRouter<T>(
  supergraphPath: string,
  configPath: string,
  env: NodeJS.ProcessEnv,
  work: (router: GatewayProcess) => Promise<T>,
): Promise<T> {
  const router = await startGateway("ours", supergraphPath, { ROUTER_CONFIG: configPath, ...env }, { fairUse: true });
  try {
    return await work(router);
  } finally {
    await router.stop();
  }
}

/** Starts the heavy clients in a child process; resolves to their combined figures once they are done. */
function heavyLoad(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const child = fork(fileURLToPath(new URL("./fairness-heavy.ts", import.meta.url)), [
    url,
    String(HEAVY_CLIENTS),
    String(connections),
    String(seconds),
  ]);
  return new Promise((resolve, reject) => {
    child.once("message", (result) => resolve(result as LoadResult));
    child.once("exit", (code) => reject(new Error(`the heavy clients' process exited (${code}) without figures`)));
  });
}

/** One connection, one request after another, each timed; p50/p99 over all of them. */
async function lightClient(url: string, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  const body = JSON.stringify(LIGHT);
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.1" },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const answer = (await response.json()) as { errors?: unknown };
      if (response.status !== 200 || answer.errors) failed++;
    } catch {
      failed++;
    }
    latencies.push(performance.now() - started);
  }
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
  return {
    requestsPerSecond: latencies.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    requests: latencies.length,
    non2xx: failed,
    errors: 0,
  };
}

async function scenario(router: GatewayProcess, settings: FairnessSettings, heavy: boolean): Promise<Omit<FairnessRow, "scenario">> {
  if (!heavy) return { light: await lightClient(router.url, settings.durationSeconds) };
  const heavyRun = heavyLoad(router.url, settings.heavyConnections, settings.durationSeconds + 2);
  // The heavy clients first, so the light one is measured under their full load.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const light = await lightClient(router.url, settings.durationSeconds);
  return { light, heavy: await heavyRun };
}

export async function measureFairness(supergraphPath: string, settings: FairnessSettings): Promise<FairnessRow[]> {
  // Clients are told apart by X-Forwarded-For from the load generator on loopback; rate limits stay
  // off so that only the cap on operations in flight acts.
  const configPath = path.join(settings.workDir, "fairness-router.yaml");
  writeFileSync(configPath, "rateLimit:\n  enabled: false\n  trustedProxies: [127.0.0.1]\n");
  const rows: FairnessRow[] = [];
  await withRouter(supergraphPath, configPath, {}, async (router) => {
    await scenario(router, { ...settings, durationSeconds: 1 }, true); // warm-up: plans cached, pools open
    rows.push({ scenario: "light client alone (cap on)", ...(await scenario(router, settings, false)) });
    rows.push({
      scenario: `light client + ${HEAVY_CLIENTS} heavy anonymous clients, cap on (defaults)`,
      ...(await scenario(router, settings, true)),
    });
  });
  await withRouter(supergraphPath, configPath, { ROUTER_CLIENT_CONCURRENCY: "false" }, async (router) => {
    await scenario(router, { ...settings, durationSeconds: 1 }, true);
    rows.push({
      scenario: `light client + ${HEAVY_CLIENTS} heavy anonymous clients, cap off`,
      ...(await scenario(router, settings, true)),
    });
  });
  for (const row of rows) {
    console.log(
      `  ${row.scenario}: light p50 ${row.light.p50Ms} ms, p99 ${row.light.p99Ms} ms${row.heavy ? `; heavy ${row.heavy.requestsPerSecond.toFixed(0)} req/s, ${row.heavy.non2xx} refused` : ""}`,
    );
  }
  return rows;
}

export function fairnessMarkdown(rows: FairnessRow[], heavyConnections: number): string[] {
  return [
    "## Fair use: a light client while heavy anonymous clients load the router (workload 1 subgraphs)",
    "",
    `Our router in production mode. Light: one connection, \`{ me { name } }\`, one request after another, each timed. Heavy: ${HEAVY_CLIENTS} clients (in a process of their own), each its own address and ${heavyConnections} connections, the heavy nested query. ` +
      "Cap: clientConcurrency (8 operations in flight per client, 32 queued; past that 429 CONCURRENCY_LIMITED).",
    "",
    "| scenario | light p50 ms | light p99 ms | light req/s | heavy req/s | heavy refused (429) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.light.p50Ms} | ${r.light.p99Ms} | ${r.light.requestsPerSecond.toFixed(0)} | ${r.heavy ? r.heavy.requestsPerSecond.toFixed(0) : ""} | ${r.heavy ? r.heavy.non2xx : ""} |`,
    ),
    "",
  ];
}
