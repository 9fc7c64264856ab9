import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, routerNodeFlags } from "@store/stack";
import { buildServer, bundleForNode } from "@store/router/build-server";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..", "..");

export type GatewayName = "stock" | "ours";

export interface GatewayProcess {
  name: GatewayName;
  url: string;
  pid: number;
  /** Peak resident memory so far (VmHWM), in MiB. */
  peakMemoryMiB(): number;
  stop(): Promise<void>;
}

const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;

/** Runs `node` pinned to one core (core 0) when taskset exists, so the gateway gets a core to itself. */
function spawnPinned(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const command = hasTaskset ? "taskset" : process.execPath;
  const argv = hasTaskset ? ["-c", "0", process.execPath, ...args] : args;
  return spawn(command, argv, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
}

async function waitForGraphQL(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} gateway exited (${child.exitCode}): ${stderr.slice(-2000)}`);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"query":"{ __typename }"}',
      });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${name} gateway did not answer at ${url}: ${stderr.slice(-2000)}`);
}

/**
 * Both gateways run as plain JavaScript, bundled the same way (esbuild, npm packages left as
 * imports), as a deployment would run them: a TypeScript loader at runtime (tsx) costs memory
 * (its compile worker stays resident) and start-up time that is no part of either gateway.
 */
const bundles = new Map<GatewayName, Promise<string>>();
function bundled(name: GatewayName): Promise<string> {
  let bundle = bundles.get(name);
  if (!bundle) {
    bundle =
      name === "stock"
        ? bundleForNode(path.join(here, "stock-gateway.ts"), path.join(repoRoot, "bench", "dist", "stock-gateway.mjs"))
        : buildServer();
    bundles.set(name, bundle);
  }
  return bundle;
}

/**
 * `extraEnv` reaches both gateways alike (AUTH_JWT_SECRET: both then verify bearer tokens).
 * `fairUse`: our router keeps production's rate limits and per-client cap on operations in flight.
 * Off by default: the comparison's load comes from one address, which those would throttle as one
 * client, and stock has neither.
 */
export async function startGateway(
  name: GatewayName,
  supergraphPath: string,
  extraEnv: NodeJS.ProcessEnv = {},
  { fairUse = false } = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  // Apollo's data collection would call out of this machine; both gateways run without it.
  const env: NodeJS.ProcessEnv = { NODE_ENV: "production", LOG_LEVEL: "warn", APOLLO_TELEMETRY_DISABLED: "true", ...extraEnv };
  const entry = await bundled(name);
  const child =
    name === "stock"
      ? spawnPinned([entry, supergraphPath, String(port)], env)
      : // With the node flags it ships with (router/node-flags.json), as `npm run start:built` runs it.
        spawnPinned(
          [...routerNodeFlags(repoRoot), entry, "--supergraph", supergraphPath, "--port", String(port)],
          // The stock gateway cannot sign subgraph requests, so the comparison runs both unsigned.
          // Workload 1's schema has no @listSize hints, so its heavy query is over the default cost limit:
          // the router still estimates every operation (same work) but only measures.
          {
            ...(fairUse ? {} : { ROUTER_RATE_LIMIT: "false", ROUTER_CLIENT_CONCURRENCY: "false" }),
            ...env,
            HOST: "127.0.0.1",
            // Any free port: production's admin listener (/metrics) is not read here.
            ADMIN_PORT: "0",
            ROUTER_SUBGRAPH_SIGNING: "false",
            ROUTER_DEMAND_CONTROL_MODE: "measure",
          },
        );
  const url = name === "stock" ? `http://127.0.0.1:${port}/` : `http://127.0.0.1:${port}/graphql`;
  await waitForGraphQL(url, child, name);
  return {
    name,
    url,
    pid: child.pid!,
    peakMemoryMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return +(kb / 1024).toFixed(1);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
