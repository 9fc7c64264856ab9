import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, DEFAULT_CONNECTION_LIMITS, envCoercers, logLevelSchema } from "@store/service-kit";
import type { AnyFeature, EnvBindings, FeatureSettings } from "./features/feature.ts";
import { FEATURES } from "./features/index.ts";
import { circuitBreakerFields, retryFields } from "./features/traffic/config.ts";

/**
 * The router's configuration: defaults < config file (YAML) < environment < command-line flags.
 * Its schema is the router's own core sections and one section per feature (features/index.ts).
 * Unknown keys are rejected so that a typo never silently does nothing.
 */
const subgraphOverride = z
  .object({
    /** Replaces the routing URL the supergraph names for this subgraph (env SUBGRAPH_<NAME>_URL). */
    url: z.string().url().optional(),
    /** Milliseconds a fetch to this subgraph may take, retries included, before it fails (default traffic.subgraphTimeoutMs). */
    timeoutMs: z.number().int().positive().optional(),
    /** Overrides traffic.retry for this subgraph, key by key. */
    retry: z.object(retryFields).partial().strict().optional(),
    /** Overrides traffic.circuitBreaker for this subgraph, key by key. */
    circuitBreaker: z.object(circuitBreakerFields).partial().strict().optional(),
  })
  .strict();

const coreSchema = z
  .object({
    /** development (default): Sandbox landing page and introspection on; production: both off, errors masked (env NODE_ENV). */
    mode: z.enum(["development", "production"]).default("development"),
    /** Default info (env LOG_LEVEL). */
    logLevel: logLevelSchema.default("info"),
    server: z
      .object({
        /** Defaults to the mode: 127.0.0.1 in development (this machine only), 0.0.0.0 in production (env HOST). */
        host: z.string().min(1).optional(),
        /** Default 4000 (env PORT, flag --port). */
        port: z.number().int().min(0).max(65535).default(4000),
        /** Largest request body accepted, in bytes (default 1000000). */
        maxBodyBytes: z.number().int().positive().default(1_000_000),
        /** Milliseconds in-flight requests get to finish on shutdown (default 10000). */
        shutdownGraceMs: z.number().int().nonnegative().default(10_000),
        /** Milliseconds a client has to send its request headers; a slower one is answered 408 and cut off. */
        headersTimeoutMs: z.number().int().positive().default(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs),
        /** Milliseconds a client has to send its whole request, body included (408 and cut off after). */
        requestTimeoutMs: z.number().int().positive().default(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
        /** Milliseconds an idle keep-alive connection stays open; above the load balancer's idle timeout. */
        keepAliveTimeoutMs: z.number().int().positive().default(DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs),
        /** Open client connections at most; more are refused (closed at once). */
        maxConnections: z.number().int().positive().default(DEFAULT_CONNECTION_LIMITS.maxConnections),
      })
      .strict()
      .refine((server) => server.headersTimeoutMs <= server.requestTimeoutMs, {
        message: "headersTimeoutMs must not be above requestTimeoutMs",
        path: ["headersTimeoutMs"],
      })
      .prefault({}),
    /**
     * The admin listener: /metrics and health with every check (subgraph names, circuit states), on a
     * port of its own that the public does not reach. Production serves them only there (the public
     * port keeps /health/live and /health/ready, status only); development serves them on the public port.
     */
    admin: z
      .object({
        /** Defaults to the mode: on in production, off in development. */
        enabled: z.boolean().optional(),
        /** env ADMIN_HOST. Loopback by default: expose it to the scraper only, never to the internet. */
        host: z.string().min(1).default("127.0.0.1"),
        /** env ADMIN_PORT (0: any free port). */
        port: z.number().int().min(0).max(65535).default(9464),
      })
      .strict()
      .prefault({}),
    supergraph: z
      .object({
        /** The composed supergraph SDL file to serve (any supergraph, not only ours); default supergraph.graphql (env SUPERGRAPH_PATH, flag --supergraph). */
        path: z.string().min(1).optional(),
        /** Or the schema registry: the router follows its supergraph (long-poll) and keeps the last good one on disk. */
        registry: z
          .object({
            /** The registry's base URL (env SUPERGRAPH_REGISTRY_URL). */
            url: z.url({ protocol: /^https?$/ }),
            /** Seconds one long-poll waits for a new supergraph (the registry's cap is 60 by default). */
            pollTimeoutSeconds: z.number().int().min(1).max(300).default(30),
            /** The last good supergraph, so a restart works while the registry is down. */
            cacheFile: z.string().min(1).default(".data/router/supergraph.graphql"),
            /** Field usage reports to the registry, batched off the request path. */
            usage: z
              .object({
                /** Default on. */
                enabled: z.boolean().default(true),
                /** Milliseconds between two reports (default 10000). */
                flushIntervalMs: z.number().int().positive().default(10_000),
                /** The verified token claim naming the calling client (default `client_id`): such callers' usage counts. */
                clientNameClaim: z.string().min(1).optional(),
              })
              .strict()
              .prefault({}),
            /** This replica's supergraph version and subgraph health, for the registry's console. */
            report: z
              .object({
                /** Default on. */
                enabled: z.boolean().default(true),
                /** Milliseconds between two reports (default 15000). */
                intervalMs: z.number().int().min(100).default(15_000),
              })
              .strict()
              .prefault({}),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /** Defaults to the mode: on in development, off in production (env ROUTER_INTROSPECTION). */
    introspection: z.boolean().optional(),
    /**
     * What GET /graphql shows a browser: "sandbox" (Apollo Sandbox, loaded from Apollo's CDN),
     * "explorer" (a redirect to the offline /explorer) or false. true means "sandbox".
     * Defaults to the mode: "sandbox" in development, false in production (env ROUTER_LANDING_PAGE).
     */
    landingPage: z.union([z.boolean(), z.enum(["sandbox", "explorer"])]).optional(),
    /** The offline GraphQL explorer at /explorer (GraphiQL with the store's example operations). */
    explorer: z
      .object({
        /** Defaults to the mode: on in development, off in production (env ROUTER_EXPLORER). */
        enabled: z.boolean().optional(),
        /**
         * Credentials the "Use demo user" button signs in with, once the graph has a login mutation
         * (development only; env ROUTER_EXPLORER_DEMO_USERNAME and ROUTER_EXPLORER_DEMO_PASSWORD). Default: none.
         */
        demoUser: z
          .object({ username: z.string().min(1), password: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /** Per-subgraph overrides, by subgraph name (default none). */
    subgraphs: z.record(z.string(), subgraphOverride).default({}),
    /** OpenTelemetry traces over OTLP/HTTP; off while `endpoint` is unset. */
    tracing: z
      .object({
        /** Base URL of an OTLP/HTTP collector (http://localhost:4318); /v1/traces is appended (env OTEL_EXPORTER_OTLP_ENDPOINT). */
        endpoint: z.url({ protocol: /^https?$/ }).optional(),
        /** Share of new traces kept, 0..1 (default 1); a request whose caller sampled its trace is always traced (env OTEL_TRACES_SAMPLER_ARG). */
        sampleRatio: z.number().min(0).max(1).default(1),
        /** Milliseconds between two exports of finished spans (default 5000, env OTEL_BSP_SCHEDULE_DELAY). */
        scheduleDelayMs: z.number().int().positive().default(5000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** Env variables of the core sections, each bound to its field (the features declare their own). */
const CORE_ENV: EnvBindings = {
  NODE_ENV: { path: "mode", coerce: (raw) => (raw === "production" ? "production" : "development") },
  LOG_LEVEL: { path: "logLevel" },
  HOST: { path: "server.host" },
  PORT: { path: "server.port", coerce: envCoercers.integer },
  ADMIN_HOST: { path: "admin.host" },
  ADMIN_PORT: { path: "admin.port", coerce: envCoercers.integer },
  SUPERGRAPH_PATH: { path: "supergraph.path" },
  SUPERGRAPH_REGISTRY_URL: { path: "supergraph.registry.url" },
  ROUTER_INTROSPECTION: { path: "introspection", coerce: envCoercers.boolean },
  ROUTER_EXPLORER: { path: "explorer.enabled", coerce: envCoercers.boolean },
  ROUTER_EXPLORER_DEMO_USERNAME: { path: "explorer.demoUser.username" },
  ROUTER_EXPLORER_DEMO_PASSWORD: { path: "explorer.demoUser.password" },
  ROUTER_LANDING_PAGE: { path: "landingPage", coerce: envCoercers.boolean },
  // The standard OpenTelemetry variables, so one setting reaches the router and every subgraph.
  OTEL_EXPORTER_OTLP_ENDPOINT: { path: "tracing.endpoint" },
  OTEL_TRACES_SAMPLER_ARG: { path: "tracing.sampleRatio", coerce: envCoercers.decimal },
  OTEL_BSP_SCHEDULE_DELAY: { path: "tracing.scheduleDelayMs", coerce: envCoercers.integer },
};

/** SUBGRAPH_<NAME>_URL: the routing URL of subgraph <name>. */
const SUBGRAPH_URL_VARIABLE = /^SUBGRAPH_([A-Z0-9_]+)_URL$/;

export const routerConfigSchema = coreSchema
  .extend(Object.fromEntries(FEATURES.flatMap((feature) => (feature.section ? [[feature.name, feature.section]] : []))))
  .strict();

export type LandingPage = "sandbox" | "explorer" | false;

type CoreFields = z.output<typeof coreSchema>;

type RegistrySourceFields = NonNullable<CoreFields["supergraph"]["registry"]>;

/** The registry as supergraph source; the token comes from env ROUTER_REGISTRY_TOKEN only. */
export type RegistrySourceConfig = RegistrySourceFields & { token: string };

export type SupergraphSourceConfig = { path: string; registry?: undefined } | { path?: undefined; registry: RegistrySourceConfig };

/** The router's own sections, resolved: what every feature may read. */
export type CoreConfig = Omit<CoreFields, "server" | "admin" | "landingPage" | "explorer" | "supergraph"> & {
  server: CoreFields["server"] & { host: string };
  admin: CoreFields["admin"] & { enabled: boolean };
  supergraph: SupergraphSourceConfig;
  introspection: boolean;
  landingPage: LandingPage;
  explorer: Omit<CoreFields["explorer"], "enabled"> & { enabled: boolean };
};

export type RouterConfig = CoreConfig & FeatureSettings<typeof FEATURES>;

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

/** Every env variable bound to a field: the core's, then each feature's (paths within the feature's section). */
const ENV_BINDINGS: ReadonlyArray<readonly [variable: string, path: string, coerce: ((raw: string) => unknown) | undefined]> = [
  ...Object.entries(CORE_ENV).map(([variable, binding]) => [variable, binding.path, binding.coerce] as const),
  ...FEATURES.flatMap((feature) =>
    Object.entries(feature.env ?? {}).map(([variable, binding]) => [variable, `${feature.name}.${binding.path}`, binding.coerce] as const),
  ),
];

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
    if (typeof input !== "object" || Array.isArray(input))
      throw new ConfigError([`config file ${configPath}: must be a YAML mapping`], "router");
  }
  const override = (dotted: string, value: unknown, from: string) => {
    setPath(input, dotted, value);
    origin.set(dotted, from);
  };
  for (const [variable, dotted, coerce] of ENV_BINDINGS) {
    const raw = env[variable];
    if (raw) override(dotted, coerce ? coerce(raw) : raw, `env ${variable}`);
  }
  for (const [key, value] of Object.entries(env)) {
    const match = SUBGRAPH_URL_VARIABLE.exec(key);
    if (match && value) override(`subgraphs.${match[1]!.toLowerCase()}.url`, value, `env ${key}`);
  }
  if (flags.supergraph) override("supergraph.path", flags.supergraph, "--supergraph");
  if (flags.port) override("server.port", envCoercers.integer(flags.port), "--port");

  const from = (key: string) => origin.get(key) ?? (configPath ? `config file ${configPath}` : "defaults");
  const result = routerConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const where = issue.path.join(".") || "(root)";
        return `${where}: ${issue.message} (from ${from(where)})`;
      }),
      "router",
    );
  }
  const config = result.data as CoreFields & Record<string, unknown>;
  const production = config.mode === "production";
  const explorerEnabled = config.explorer.enabled ?? !production;
  // Offline first: a browser opening /graphql in development gets the router's own explorer; Apollo
  // Sandbox (loaded from Apollo's CDN) only when asked for, or when the explorer is off.
  const developmentPage: LandingPage = explorerEnabled ? "explorer" : "sandbox";
  const landingPage: LandingPage = config.landingPage === true ? "sandbox" : (config.landingPage ?? (production ? false : developmentPage));
  if (landingPage === "explorer" && !explorerEnabled) {
    const explorerFrom = origin.get("explorer.enabled") ?? origin.get("landingPage") ?? from("landingPage");
    throw new ConfigError(
      [`landingPage: "explorer" needs the explorer on (set explorer.enabled: true or ROUTER_EXPLORER=true) (from ${explorerFrom})`],
      "router",
    );
  }
  const source = config.supergraph;
  if (source.path !== undefined && source.registry) {
    throw new ConfigError(
      [`supergraph: set either path (${from("supergraph.path")}) or registry (${from("supergraph.registry.url")}), not both`],
      "router",
    );
  }
  let supergraph: SupergraphSourceConfig;
  if (source.registry) {
    const token = env.ROUTER_REGISTRY_TOKEN;
    if (!token)
      throw new ConfigError(
        ["supergraph.registry: needs the router token in env ROUTER_REGISTRY_TOKEN (never in the config file)"],
        "router",
      );
    supergraph = { registry: { ...source.registry, cacheFile: path.resolve(cwd, source.registry.cacheFile), token } };
  } else {
    supergraph = { path: path.resolve(cwd, source.path ?? "supergraph.graphql") };
  }
  // Each feature completes its own section (secrets, files, defaults by mode); every problem is reported at once.
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const feature of FEATURES as readonly AnyFeature[]) {
    if (!feature.section) continue;
    const section = config[feature.name];
    if (!feature.resolve) {
      settings[feature.name] = section;
      continue;
    }
    const resolved = feature.resolve(section, { env, cwd, production });
    settings[feature.name] = resolved.settings;
    problems.push(...resolved.problems);
  }
  if (problems.length) throw new ConfigError(problems, "router");
  return {
    ...config,
    ...(settings as FeatureSettings<typeof FEATURES>),
    server: { ...config.server, host: config.server.host ?? (production ? "0.0.0.0" : "127.0.0.1") },
    admin: { ...config.admin, enabled: config.admin.enabled ?? production },
    supergraph,
    introspection: config.introspection ?? !production,
    landingPage,
    explorer: { ...config.explorer, enabled: explorerEnabled },
  };
}
