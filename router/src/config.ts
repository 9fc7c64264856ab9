import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DEMO_PASSWORD, DEMO_USERNAME } from "@store/seed-data";
import { ConfigError, DEFAULT_CONNECTION_LIMITS, logLevelSchema } from "@store/service-kit";
import { authenticationConfigSchema, resolveAuthentication, type AuthenticationSettings } from "./policy/authentication/config.ts";
import { corsSchema } from "./policy/cors.ts";
import { csrfSchema } from "./policy/csrf.ts";
import { headersSchema } from "./policy/header-rules.ts";
import { loadSigningSecrets, subgraphSigningSchema, type SubgraphSigningConfig } from "./policy/subgraph-signing.ts";
import { persistedOperationsConfigSchema, resolvePersistedOperations } from "./policy/persisted-operations/config.ts";
import { rateLimitConfigSchema, resolveRateLimitSecrets, type RateLimitConfig } from "./policy/rate-limit/config.ts";
import { authorizationConfigSchema } from "./policy/authorization/config.ts";
import { demandControlConfigSchema } from "./policy/demand-control/config.ts";
import { limitsConfigSchema } from "./policy/limits/config.ts";
import { clientConcurrencyConfigSchema, type ClientConcurrencyConfig } from "./policy/client-concurrency/config.ts";

/**
 * The router's configuration: defaults < config file (YAML) < environment < command-line flags.
 * Unknown keys are rejected so that a typo never silently does nothing.
 */
/** Retries of failed subgraph fetches: queries only (never mutations), transient failures only. */
const retryFields = {
  /** Attempts in all, the first one included (1: no retry). */
  maxAttempts: z.number().int().min(1).max(10),
  /** Cap of the first backoff in milliseconds; it doubles per retry, and the delay is random below it (full jitter). */
  initialDelayMs: z.number().int().nonnegative(),
  /** Largest backoff in milliseconds. */
  maxDelayMs: z.number().int().nonnegative(),
};

/** A circuit breaker per subgraph: fail fast while it is down, one probe per `openMs`. */
const circuitBreakerFields = {
  enabled: z.boolean(),
  /** Opens after this many failed fetches in a row. */
  consecutiveFailures: z.number().int().positive(),
  /** ...or when more than this share (between 0 and 1) of the last `failureRateWindow` fetches failed. */
  failureRate: z.number().gt(0).lt(1),
  failureRateWindow: z.number().int().positive(),
  /** Milliseconds the circuit stays open before one probe fetch is let through. */
  openMs: z.number().int().positive(),
};

const subgraphOverride = z
  .object({
    /** Replaces the routing URL the supergraph names for this subgraph. */
    url: z.string().url().optional(),
    /** Milliseconds a fetch to this subgraph may take, retries included, before it fails. */
    timeoutMs: z.number().int().positive().optional(),
    /** Overrides traffic.retry for this subgraph, key by key. */
    retry: z.object(retryFields).partial().strict().optional(),
    /** Overrides traffic.circuitBreaker for this subgraph, key by key. */
    circuitBreaker: z.object(circuitBreakerFields).partial().strict().optional(),
  })
  .strict();

export const routerConfigSchema = z
  .object({
    /** development: Sandbox landing page and introspection on; production: both off, errors masked. */
    mode: z.enum(["development", "production"]).default("development"),
    logLevel: logLevelSchema.default("info"),
    server: z
      .object({
        /** Defaults to the mode: 127.0.0.1 in development (this machine only), 0.0.0.0 in production (env HOST). */
        host: z.string().min(1).optional(),
        port: z.number().int().min(0).max(65535).default(4000),
        /** Largest request body accepted, in bytes. */
        maxBodyBytes: z.number().int().positive().default(1_000_000),
        /** Milliseconds in-flight requests get to finish on shutdown. */
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
      .refine((server) => server.headersTimeoutMs <= server.requestTimeoutMs, { message: "headersTimeoutMs must not be above requestTimeoutMs", path: ["headersTimeoutMs"] })
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
        /** The composed supergraph SDL file to serve (any supergraph, not only ours); default supergraph.graphql. */
        path: z.string().min(1).optional(),
        /** Or the schema registry: the router follows its supergraph (long-poll) and keeps the last good one on disk. */
        registry: z
          .object({
            url: z.url({ protocol: /^https?$/ }),
            /** Seconds one long-poll waits for a new supergraph (the registry's cap is 60 by default). */
            pollTimeoutSeconds: z.number().int().min(1).max(300).default(30),
            /** The last good supergraph, so a restart works while the registry is down. */
            cacheFile: z.string().min(1).default(".data/router/supergraph.graphql"),
            /** Field usage reports to the registry, batched off the request path. */
            usage: z
              .object({
                enabled: z.boolean().default(true),
                flushIntervalMs: z.number().int().positive().default(10_000),
                /** The verified token claim naming the calling client (default `client_id`): such callers' usage counts. */
                clientNameClaim: z.string().min(1).optional(),
              })
              .strict()
              .prefault({}),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /** Defaults to the mode: on in development, off in production. */
    introspection: z.boolean().optional(),
    /**
     * What GET /graphql shows a browser: "sandbox" (Apollo Sandbox, loaded from Apollo's CDN),
     * "explorer" (a redirect to the offline /explorer) or false. true means "sandbox".
     * Defaults to the mode: "sandbox" in development, false in production.
     */
    landingPage: z.union([z.boolean(), z.enum(["sandbox", "explorer"])]).optional(),
    /** The offline GraphQL explorer at /explorer (GraphiQL with the store's example operations). */
    explorer: z
      .object({
        /** Defaults to the mode: on in development, off in production. */
        enabled: z.boolean().optional(),
        /**
         * Credentials the "Use demo user" button signs in with, once the graph has a login mutation
         * (development only). Default in development: the store's seeded demo customer.
         */
        demoUser: z.object({ username: z.string().min(1), password: z.string().min(1) }).strict().optional(),
      })
      .strict()
      .prefault({}),
    traffic: z
      .object({
        /** Milliseconds one subgraph fetch may take, retries included. */
        subgraphTimeoutMs: z.number().int().positive().default(10_000),
        /** Keep-alive connections kept open to each subgraph. */
        maxConnectionsPerSubgraph: z.number().int().positive().default(128),
        /** Identical queries in flight at the same time (same operation, variables, caller and forwarded headers) share one execution. */
        mergeIdenticalQueries: z.boolean().default(false),
        retry: z
          .object({
            maxAttempts: retryFields.maxAttempts.default(3),
            initialDelayMs: retryFields.initialDelayMs.default(50),
            maxDelayMs: retryFields.maxDelayMs.default(500),
          })
          .strict()
          .prefault({}),
        circuitBreaker: z
          .object({
            enabled: circuitBreakerFields.enabled.default(true),
            consecutiveFailures: circuitBreakerFields.consecutiveFailures.default(5),
            failureRate: circuitBreakerFields.failureRate.default(0.5),
            failureRateWindow: circuitBreakerFields.failureRateWindow.default(20),
            openMs: circuitBreakerFields.openMs.default(2_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    subgraphs: z.record(z.string(), subgraphOverride).default({}),
    /** @authenticated, @requiresScopes and @policy enforced before any subgraph is called. */
    authorization: authorizationConfigSchema,
    /** OpenTelemetry traces over OTLP/HTTP; off while `endpoint` is unset. */
    tracing: z
      .object({
        /** Base URL of an OTLP/HTTP collector (http://localhost:4318); /v1/traces is appended. */
        endpoint: z.url({ protocol: /^https?$/ }).optional(),
        /** Share of new traces kept, 0..1; a request whose caller sampled its trace is always traced. */
        sampleRatio: z.number().min(0).max(1).default(1),
        /** Milliseconds between two exports of finished spans. */
        scheduleDelayMs: z.number().int().positive().default(5000),
      })
      .strict()
      .prefault({}),
    authentication: authenticationConfigSchema,
    persistedOperations: persistedOperationsConfigSchema,
    rateLimit: rateLimitConfigSchema,
    cors: corsSchema,
    csrf: csrfSchema,
    subgraphSigning: subgraphSigningSchema,
    headers: headersSchema,
    limits: limitsConfigSchema,
    demandControl: demandControlConfigSchema,
    clientConcurrency: clientConcurrencyConfigSchema,
  })
  .strict();

export type LandingPage = "sandbox" | "explorer" | false;

type RegistrySourceFields = NonNullable<z.output<typeof routerConfigSchema>["supergraph"]["registry"]>;

/** The registry as supergraph source; the token comes from env ROUTER_REGISTRY_TOKEN only. */
export type RegistrySourceConfig = RegistrySourceFields & { token: string };

export type SupergraphSourceConfig = { path: string; registry?: undefined } | { path?: undefined; registry: RegistrySourceConfig };

type Fields = z.output<typeof routerConfigSchema>;

export type RouterConfig = Omit<Fields, "server" | "admin" | "landingPage" | "explorer" | "supergraph" | "rateLimit" | "clientConcurrency" | "subgraphSigning" | "authentication"> & {
  server: Fields["server"] & { host: string };
  admin: Fields["admin"] & { enabled: boolean };
  rateLimit: RateLimitConfig;
  clientConcurrency: ClientConcurrencyConfig;
  /** With the HS256 secret from env AUTH_JWT_SECRET and the JWKS file read. */
  authentication: AuthenticationSettings;
  supergraph: SupergraphSourceConfig;
  subgraphSigning: SubgraphSigningConfig;
  introspection: boolean;
  landingPage: LandingPage;
  explorer: Omit<z.output<typeof routerConfigSchema>["explorer"], "enabled"> & { enabled: boolean };
};

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

function decimal(raw: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
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
  if (env.ADMIN_HOST) override("admin.host", env.ADMIN_HOST, "env ADMIN_HOST");
  if (env.ADMIN_PORT) override("admin.port", numeric(env.ADMIN_PORT), "env ADMIN_PORT");
  if (env.ROUTER_RATE_LIMIT) override("rateLimit.enabled", booleanish(env.ROUTER_RATE_LIMIT), "env ROUTER_RATE_LIMIT");
  if (env.ROUTER_CLIENT_CONCURRENCY) override("clientConcurrency.enabled", booleanish(env.ROUTER_CLIENT_CONCURRENCY), "env ROUTER_CLIENT_CONCURRENCY");
  if (env.SUPERGRAPH_PATH) override("supergraph.path", env.SUPERGRAPH_PATH, "env SUPERGRAPH_PATH");
  if (env.SUPERGRAPH_REGISTRY_URL) override("supergraph.registry.url", env.SUPERGRAPH_REGISTRY_URL, "env SUPERGRAPH_REGISTRY_URL");
  if (env.ROUTER_INTROSPECTION) override("introspection", booleanish(env.ROUTER_INTROSPECTION), "env ROUTER_INTROSPECTION");
  if (env.ROUTER_EXPLORER) override("explorer.enabled", booleanish(env.ROUTER_EXPLORER), "env ROUTER_EXPLORER");
  if (env.ROUTER_LANDING_PAGE) override("landingPage", booleanish(env.ROUTER_LANDING_PAGE), "env ROUTER_LANDING_PAGE");
  if (env.ROUTER_SUBGRAPH_SIGNING) override("subgraphSigning.enabled", booleanish(env.ROUTER_SUBGRAPH_SIGNING), "env ROUTER_SUBGRAPH_SIGNING");
  if (env.ROUTER_MERGE_IDENTICAL_QUERIES) override("traffic.mergeIdenticalQueries", booleanish(env.ROUTER_MERGE_IDENTICAL_QUERIES), "env ROUTER_MERGE_IDENTICAL_QUERIES");
  if (env.ROUTER_DEMAND_CONTROL_MODE) override("demandControl.mode", env.ROUTER_DEMAND_CONTROL_MODE, "env ROUTER_DEMAND_CONTROL_MODE");
  // The standard OpenTelemetry variables, so one setting reaches the router and every subgraph.
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) override("tracing.endpoint", env.OTEL_EXPORTER_OTLP_ENDPOINT, "env OTEL_EXPORTER_OTLP_ENDPOINT");
  if (env.OTEL_TRACES_SAMPLER_ARG) override("tracing.sampleRatio", decimal(env.OTEL_TRACES_SAMPLER_ARG), "env OTEL_TRACES_SAMPLER_ARG");
  if (env.OTEL_BSP_SCHEDULE_DELAY) override("tracing.scheduleDelayMs", numeric(env.OTEL_BSP_SCHEDULE_DELAY), "env OTEL_BSP_SCHEDULE_DELAY");
  for (const [key, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (match && value) override(`subgraphs.${match[1]!.toLowerCase()}.url`, value, `env ${key}`);
  }
  if (env.AUTH_JWKS_URL) override("authentication.jwks.url", env.AUTH_JWKS_URL, "env AUTH_JWKS_URL");
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
  const landingPage: LandingPage = config.landingPage === true ? "sandbox" : (config.landingPage ?? (production ? false : "sandbox"));
  const explorerEnabled = config.explorer.enabled ?? !production;
  if (landingPage === "explorer" && !explorerEnabled) {
    const from = origin.get("explorer.enabled") ?? origin.get("landingPage") ?? (configPath ? `config file ${configPath}` : "defaults");
    throw new ConfigError([`landingPage: "explorer" needs the explorer on (set explorer.enabled: true or ROUTER_EXPLORER=true) (from ${from})`], "router");
  }
  const source = config.supergraph;
  const from = (key: string) => origin.get(key) ?? (configPath ? `config file ${configPath}` : "defaults");
  if (source.path !== undefined && source.registry) {
    throw new ConfigError(
      [`supergraph: set either path (${from("supergraph.path")}) or registry (${from("supergraph.registry.url")}), not both`],
      "router",
    );
  }
  let supergraph: SupergraphSourceConfig;
  if (source.registry) {
    const token = env.ROUTER_REGISTRY_TOKEN;
    if (!token) throw new ConfigError(["supergraph.registry: needs the router token in env ROUTER_REGISTRY_TOKEN (never in the config file)"], "router");
    supergraph = { registry: { ...source.registry, cacheFile: path.resolve(cwd, source.registry.cacheFile), token } };
  } else {
    supergraph = { path: path.resolve(cwd, source.path ?? "supergraph.graphql") };
  }
  const rateLimit = resolveRateLimitSecrets(config.rateLimit, env, production);
  const persistedOperations = resolvePersistedOperations(config.persistedOperations, cwd);
  const authentication = resolveAuthentication(config.authentication, { env, cwd });
  const policyProblems = [...authentication.problems, rateLimit.problem, persistedOperations.problem].filter((p): p is string => p !== undefined);
  if (policyProblems.length) throw new ConfigError(policyProblems, "router");
  return {
    ...config,
    server: { ...config.server, host: config.server.host ?? (production ? "0.0.0.0" : "127.0.0.1") },
    admin: { ...config.admin, enabled: config.admin.enabled ?? production },
    clientConcurrency: { ...config.clientConcurrency, enabled: config.clientConcurrency.enabled ?? production },
    authentication: authentication.settings,
    rateLimit: rateLimit.config,
    persistedOperations: persistedOperations.config,
    supergraph,
    subgraphSigning: loadSigningSecrets(config.subgraphSigning, env, production),
    introspection: config.introspection ?? !production,
    landingPage,
    explorer: {
      ...config.explorer,
      enabled: explorerEnabled,
      // The seeded demo customer, so "Use demo user" works out of the box (development only).
      demoUser: config.explorer.demoUser ?? (production ? undefined : { username: DEMO_USERNAME, password: DEMO_PASSWORD }),
    },
  };
}
