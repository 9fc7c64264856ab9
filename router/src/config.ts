import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, logLevelSchema } from "@store/service-kit";

/**
 * The router's configuration: defaults < config file (YAML) < environment < command-line flags.
 * Unknown keys are rejected so that a typo never silently does nothing.
 */
const subgraphOverride = z
  .object({
    /** Replaces the routing URL the supergraph names for this subgraph. */
    url: z.string().url().optional(),
    /** Milliseconds a fetch to this subgraph may take before it fails. */
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export const routerConfigSchema = z
  .object({
    /** development: Sandbox landing page and introspection on; production: both off, errors masked. */
    mode: z.enum(["development", "production"]).default("development"),
    logLevel: logLevelSchema.default("info"),
    server: z
      .object({
        host: z.string().min(1).default("0.0.0.0"),
        port: z.number().int().min(0).max(65535).default(4000),
        /** Largest request body accepted, in bytes. */
        maxBodyBytes: z.number().int().positive().default(1_000_000),
        /** Milliseconds in-flight requests get to finish on shutdown. */
        shutdownGraceMs: z.number().int().nonnegative().default(10_000),
      })
      .strict()
      .prefault({}),
    supergraph: z
      .object({
        /** The composed supergraph SDL file to serve (any supergraph, not only ours). */
        path: z.string().min(1).default("supergraph.graphql"),
      })
      .strict()
      .prefault({}),
    /** Defaults to the mode: on in development, off in production. */
    introspection: z.boolean().optional(),
    landingPage: z.boolean().optional(),
    traffic: z
      .object({
        subgraphTimeoutMs: z.number().int().positive().default(10_000),
        /** Keep-alive connections kept open to each subgraph. */
        maxConnectionsPerSubgraph: z.number().int().positive().default(128),
      })
      .strict()
      .prefault({}),
    subgraphs: z.record(z.string(), subgraphOverride).default({}),
  })
  .strict();

export type RouterConfig = z.output<typeof routerConfigSchema> & { introspection: boolean; landingPage: boolean };

export interface RouterConfigSources {
  /** Parsed command-line flags. */
  flags?: { config?: string; supergraph?: string; port?: string };
  env?: NodeJS.ProcessEnv;
  /** Base folder for relative paths (default: the working directory). */
  cwd?: string;
}

type Json = Record<string, any>;

function setPath(target: Json, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys[keys.length - 1]!] = value;
}

/** Env and flags arrive as strings; numbers are converted here so the schema can report bad ones. */
function numeric(raw: string): number | string {
  return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
}

function booleanish(raw: string): boolean | string {
  return raw === "true" || raw === "1" ? true : raw === "false" || raw === "0" ? false : raw;
}

export function loadRouterConfig({ flags = {}, env = process.env, cwd = process.cwd() }: RouterConfigSources = {}): RouterConfig {
  const origin = new Map<string, string>();
  const configPath = flags.config ?? env.ROUTER_CONFIG;
  let input: Json = {};
  if (configPath) {
    try {
      input = (parseYaml(readFileSync(path.resolve(cwd, configPath), "utf8")) as Json | null) ?? {};
    } catch (error) {
      throw new ConfigError([`config file ${configPath}: ${(error as Error).message}`], "router");
    }
    if (typeof input !== "object" || Array.isArray(input)) throw new ConfigError([`config file ${configPath}: must be a YAML mapping`], "router");
  }
  const override = (dotted: string, value: unknown, from: string) => {
    setPath(input, dotted, value);
    origin.set(dotted, from);
  };
  if (env.NODE_ENV) override("mode", env.NODE_ENV === "production" ? "production" : "development", "env NODE_ENV");
  if (env.LOG_LEVEL) override("logLevel", env.LOG_LEVEL, "env LOG_LEVEL");
  if (env.HOST) override("server.host", env.HOST, "env HOST");
  if (env.PORT) override("server.port", numeric(env.PORT), "env PORT");
  if (env.SUPERGRAPH_PATH) override("supergraph.path", env.SUPERGRAPH_PATH, "env SUPERGRAPH_PATH");
  if (env.ROUTER_INTROSPECTION) override("introspection", booleanish(env.ROUTER_INTROSPECTION), "env ROUTER_INTROSPECTION");
  for (const [key, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (match && value) override(`subgraphs.${match[1]!.toLowerCase()}.url`, value, `env ${key}`);
  }
  if (flags.supergraph) override("supergraph.path", flags.supergraph, "--supergraph");
  if (flags.port) override("server.port", numeric(flags.port), "--port");

  const result = routerConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.join(".") || "(root)";
      const from = origin.get(where) ?? (configPath ? `config file ${configPath}` : "defaults");
      return `${where}: ${issue.message} (from ${from})`;
    });
    throw new ConfigError(problems, "router");
  }
  const config = result.data;
  const production = config.mode === "production";
  return {
    ...config,
    supergraph: { path: path.resolve(cwd, config.supergraph.path) },
    introspection: config.introspection ?? !production,
    landingPage: config.landingPage ?? !production,
  };
}
