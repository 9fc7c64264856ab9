import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { composeFromSources, formatMessage, readSupergraphConfig } from "@store/composition";
import { DEMO_PASSWORD, DEMO_USERNAME } from "@store/seed-data";
import { freePort } from "./ports.ts";
import { routerNodeFlags } from "./router-node-flags.ts";
import { startServiceProcess, waitUntilReady, type LogTarget, type ServiceProcess } from "./service-process.ts";
import { signingSecrets } from "./signing-secrets.ts";
import { subgraphNodeFlags } from "./subgraph-node-flags.ts";

export interface StackOptions {
  repoRoot: string;
  /** "config": the ports in supergraph.yaml and 4000 for the router; "random": free ports (tests). */
  ports: "config" | "random";
  routerPort?: number;
  /** Extra environment for one subgraph (its database URL, say), by name. */
  subgraphEnv?: Record<string, NodeJS.ProcessEnv>;
  /** Environment for every process. */
  env?: NodeJS.ProcessEnv;
  routerArgs?: string[];
  supergraphOut: string;
  logs: LogTarget;
  readyTimeoutMs?: number;
  /** false: subgraphs only (the benchmark starts the gateways it compares itself). */
  withRouter?: boolean;
  /**
   * Signed subgraph requests (default true): secrets are generated for the router and every pair of
   * subgraphs. false: subgraphs accept unsigned requests (SUBGRAPH_SIGNING=off), for gateways that cannot sign.
   */
  requestSigning?: boolean;
  /**
   * AUTH_JWT_SECRET for accounts (signs login tokens) and the router (verifies them). Default: env
   * AUTH_JWT_SECRET, else a random one for this start (never printed).
   */
  jwtSecret?: string;
}

export interface RunningStack {
  routerUrl: string;
  /**
   * The router's admin listener (/metrics, /health/ready with details) in production mode, where the
   * public port serves neither; undefined in development, where routerUrl's port serves both.
   */
  routerAdminUrl?: string;
  /** The composed supergraph the router serves (routing URLs point at this stack's ports). */
  supergraphPath: string;
  subgraphUrls: Record<string, string>;
  /** The SUBGRAPH_SECRET_* variables the stack runs with (for tests that sign requests or start another router). */
  signingEnv: Record<string, string>;
  processes: Map<string, ServiceProcess>;
  /** Stops the router first, then the subgraphs, each gracefully. */
  stop(): Promise<void>;
  /** Restarts one process with the same settings (used by failure tests). */
  restart(name: string): Promise<void>;
}

export class StackError extends Error {}

/** Composes supergraph.yaml with the ports chosen, starts every subgraph, waits for them, then the router. */
/** The seeded demo customer, for the explorer's "Use demo user" button (the router uses it in development only). */
const DEMO_USER_ENV: NodeJS.ProcessEnv = { ROUTER_EXPLORER_DEMO_USERNAME: DEMO_USERNAME, ROUTER_EXPLORER_DEMO_PASSWORD: DEMO_PASSWORD };

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const config = await readSupergraphConfig(path.join(options.repoRoot, "supergraph.yaml"));
  const ports = new Map<string, number>();
  for (const subgraph of config.subgraphs) {
    ports.set(subgraph.name, options.ports === "random" ? await freePort() : Number(new URL(subgraph.routingUrl).port));
  }
  const subgraphUrls = Object.fromEntries(config.subgraphs.map((s) => [s.name, `http://127.0.0.1:${ports.get(s.name)}/graphql`]));

  const composed = await composeFromSources(config.subgraphs, subgraphUrls);
  if (!composed.ok) throw new StackError(`Composition failed:\n${composed.errors.map(formatMessage).join("\n")}`);
  await writeFile(options.supergraphOut, composed.supergraphSdl);

  // Each subgraph learns its neighbours' URLs (orders calls inventory, reviews calls accounts...).
  const neighbourEnv: NodeJS.ProcessEnv = {};
  for (const caller of config.subgraphs) {
    for (const callee of config.subgraphs) {
      if (caller !== callee) neighbourEnv[`${caller.name.toUpperCase()}_${callee.name.toUpperCase()}_URL`] = subgraphUrls[callee.name];
    }
  }

  const jwtSecret =
    options.jwtSecret ?? options.env?.AUTH_JWT_SECRET ?? process.env.AUTH_JWT_SECRET ?? randomBytes(32).toString("base64url");
  const authEnv = (name: string): NodeJS.ProcessEnv => (name === "accounts" || name === "router" ? { AUTH_JWT_SECRET: jwtSecret } : {});

  const names = config.subgraphs.map((s) => s.name);
  const signing = options.requestSigning === false ? undefined : signingSecrets(names, { ...process.env, ...options.env });
  const routerSigningEnv: NodeJS.ProcessEnv = signing?.router ?? { ROUTER_SUBGRAPH_SIGNING: "false" };
  const subgraphSigningEnv = (name: string): NodeJS.ProcessEnv => signing?.subgraph(name) ?? { SUBGRAPH_SIGNING: "off" };

  const processes = new Map<string, ServiceProcess>();
  const launchers = new Map<string, () => ServiceProcess>();
  const stopAll = async () => {
    const router = processes.get("router");
    await router?.stop();
    await Promise.all([...processes.values()].filter((p) => p !== router).map((p) => p.stop()));
  };
  const timeout = options.readyTimeoutMs ?? 180_000;

  try {
    await Promise.all(
      config.subgraphs.map(async (subgraph) => {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          ...neighbourEnv,
          ...subgraphSigningEnv(subgraph.name),
          ...options.env,
          ...options.subgraphEnv?.[subgraph.name],
          ...authEnv(subgraph.name),
          PORT: String(ports.get(subgraph.name)),
        };
        const launch = () =>
          startServiceProcess({
            name: subgraph.name,
            entry: path.join(options.repoRoot, "subgraphs", subgraph.name, "src", "main.ts"),
            nodeFlags: subgraphNodeFlags(env[`${subgraph.name.toUpperCase()}_DATABASE_URL`]),
            cwd: options.repoRoot,
            env,
            logs: options.logs,
          });
        launchers.set(subgraph.name, launch);
        const service = launch();
        processes.set(subgraph.name, service);
        await waitUntilReady(`http://127.0.0.1:${ports.get(subgraph.name)}/health/ready`, service, timeout);
      }),
    );
    const routerPort = options.routerPort ?? (options.ports === "random" ? await freePort() : 4000);
    // Production moves the router's /metrics to its admin listener (127.0.0.1, port 9464 unless ADMIN_PORT says otherwise).
    const production = (options.env?.NODE_ENV ?? process.env.NODE_ENV) === "production";
    const adminPort = production
      ? options.ports === "random"
        ? await freePort()
        : Number(options.env?.ADMIN_PORT ?? process.env.ADMIN_PORT ?? 9464)
      : undefined;
    const adminEnv: NodeJS.ProcessEnv = adminPort === undefined ? {} : { ADMIN_PORT: String(adminPort) };
    const launchRouter = () =>
      startServiceProcess({
        name: "router",
        entry: path.join(options.repoRoot, "router", "src", "main.ts"),
        nodeFlags: routerNodeFlags(options.repoRoot),
        args: ["--supergraph", options.supergraphOut, "--port", String(routerPort), ...(options.routerArgs ?? [])],
        cwd: options.repoRoot,
        env: { ...process.env, ...routerSigningEnv, ...DEMO_USER_ENV, ...options.env, ...adminEnv, ...authEnv("router") },
        logs: options.logs,
      });
    launchers.set("router", launchRouter);
    if (options.withRouter !== false) {
      const router = launchRouter();
      processes.set("router", router);
      await waitUntilReady(`http://127.0.0.1:${routerPort}/health/ready`, router, timeout);
    }
    return {
      routerUrl: `http://localhost:${routerPort}/graphql`,
      routerAdminUrl: adminPort === undefined ? undefined : `http://127.0.0.1:${adminPort}`,
      supergraphPath: options.supergraphOut,
      subgraphUrls,
      signingEnv: signing?.all ?? {},
      processes,
      stop: stopAll,
      async restart(name) {
        await processes.get(name)?.stop();
        const service = launchers.get(name)!();
        processes.set(name, service);
        const port = name === "router" ? routerPort : ports.get(name);
        await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, service, timeout);
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
