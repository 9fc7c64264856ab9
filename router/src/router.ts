import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import {
  createAdminHandler,
  createHttpHandler,
  createLogger,
  createServiceMetrics,
  errorFormatter,
  listen,
  observationPlugin,
  stringifyResult,
  type GraphQLExchange,
  type Logger,
  type Readiness,
  type RunningServer,
} from "@store/service-kit";
import type { RouterConfig } from "./config.ts";
import type { RouterContext } from "./context.ts";
import { createGateway } from "./gateway.ts";
import { EXPLORER_PATH, createExplorerHandler, explorerPageConfig, loadExplorerFiles, logExplorerState, withExplorer } from "./explorer.ts";
import { createRouterMetrics } from "./metrics.ts";
import { RegistrySourceError, registrySupergraph } from "./registry-source.ts";
import { createUsageReporter } from "./usage-report.ts";
import { createRouterReporter, type ServedSupergraph } from "./registry-report.ts";
import { createFeatures, type FeatureSet } from "./features/create.ts";
import type { FeatureHooks } from "./features/feature.ts";
import type { PersistedOperationsHooks } from "./features/persisted-operations/index.ts";
import { incrementalDeliveryPlugin } from "./execution/incremental-delivery.ts";

export class SupergraphLoadError extends Error {
  constructor(path: string, reason: string) {
    super(`Cannot load the supergraph from ${path}: ${reason}`);
    this.name = "SupergraphLoadError";
  }
}

/** The public listener, and the admin listener's base URL when it runs (admin.enabled). */
export type RunningRouter = RunningServer & { adminUrl?: string };

export interface Router {
  start(): Promise<RunningRouter>;
  stop(): Promise<void>;
  logger: Logger;
}

/** Builds the router from its config without side effects; main.ts and tests start here. */
export function createRouter(config: RouterConfig, logger: Logger = createLogger("router", config.logLevel)): Router {
  const production = config.mode === "production";
  const metrics = createServiceMetrics("router");
  const routerMetrics = createRouterMetrics(metrics);
  let apollo: ApolloServer<RouterContext> | undefined;
  let closePools: (() => Promise<unknown>) | undefined;
  let running: RunningServer | undefined;
  let admin: RunningServer | undefined;
  let usage: ReturnType<typeof createUsageReporter> | undefined;
  let reporter: ReturnType<typeof createRouterReporter> | undefined;
  let servedSupergraph: ServedSupergraph | undefined;
  let features: FeatureSet | undefined;

  return {
    logger,
    async start() {
      const { path: file, registry } = config.supergraph;
      const sourceName = registry ? `the registry at ${new URL(registry.url).origin}` : file!;
      features = await createFeatures(config, { logger, metrics: routerMetrics });
      const supergraphHooks = features.all("supergraph");
      const prepare = (text: string) => supergraphHooks.reduce((current, hook) => hook(current), text);
      const sdl = registry
        ? registrySupergraph({
            config: registry,
            logger,
            metrics: routerMetrics,
            prepare,
            onServed: (version, text) => (servedSupergraph = { version, sdl: text }),
          })
        : await readFile(file!, "utf8").then(
            (text) => {
              try {
                return prepare(text);
              } catch (error) {
                throw new SupergraphLoadError(file!, (error as Error).message);
              }
            },
            (error: NodeJS.ErrnoException) => {
              throw new SupergraphLoadError(file!, error.code === "ENOENT" ? "no such file (run `npm run compose` first)" : error.message);
            },
          );
      // Usage counts only identified callers; a trusted document is one way to be identified.
      const trustedDocuments = (features.hooksOf("persistedOperations") as PersistedOperationsHooks | undefined)?.documents;
      usage = registry?.usage.enabled
        ? createUsageReporter({ config: registry, logger, metrics: routerMetrics, trustedDocuments })
        : undefined;
      const built = createGateway(config, sdl, logger, routerMetrics, features.all("subgraphCall"));
      const checks = features.all("checks");
      const formatError = features.all("response").reduceRight((format, wrap) => wrap(format), errorFormatter(logger, production));
      closePools = built.closePools;
      apollo = new ApolloServer<RouterContext>({
        gateway: built.gateway,
        introspection: config.introspection,
        // main.ts owns the signals, so shutdown runs once and in order.
        stopOnTerminationSignals: false,
        includeStacktraceInErrorResponses: !production,
        // No "Did you mean ...?" in validation errors in production (errorFormatter strips the rest).
        hideSchemaDetailsFromClientErrors: production,
        ...Object.assign({}, ...features.all("apollo")),
        parseOptions: Object.assign({}, ...features.all("parseOptions")),
        // Batches (JSON array bodies) are capped by the HTTP door below; each operation meets the limits on its own.
        allowBatchedHttpRequests: config.limits.maxBatchedOperations > 0,
        stringifyResult,
        formatError,
        logger,
        plugins: [
          config.landingPage === "sandbox"
            ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
            : ApolloServerPluginLandingPageDisabled(),
          observationPlugin<RouterContext>({ executeSpan: false }),
          ...(usage ? [usage.plugin] : []),
          ...features.all("operation").flat(),
          // Last: the other plugins see the initial payload of a @defer response as its single result.
          ...(config.defer.enabled ? [incrementalDeliveryPlugin<RouterContext>(formatError)] : []),
        ],
      });
      try {
        await apollo.start();
      } catch (error) {
        throw new SupergraphLoadError(sourceName, error instanceof RegistrySourceError ? error.message : (error as Error).message);
      }
      const requestHooks = features.all("request");
      const contextHooks = features.all("context");
      // Serving means the supergraph loaded. Circuit states inform, but never fail readiness:
      // the router still answers (with partial data) while a subgraph is down.
      const readiness = async (): Promise<Readiness> => ({
        ready: true,
        checks: Object.assign({ supergraph: "loaded" }, ...checks.map((check) => check())),
      });
      const handler = createHttpHandler<RouterContext>({
        apollo,
        logger,
        metrics,
        // No async-local request record: promise hooks on every promise cost the router several
        // percent of its CPU. Its request-scoped log lines carry the request id explicitly.
        asyncContext: false,
        maxBodyBytes: config.server.maxBodyBytes,
        maxBatchedOperations: config.limits.maxBatchedOperations || undefined,
        context: (req, requestId, _caller, exchange) => createRequestContext(req, requestId, exchange, contextHooks),
        beforeGraphQL: requestHooks.length ? (req, res, requestId) => runRequestHooks(requestHooks, req, res, requestId) : undefined,
        readiness,
        // Production's public port: probes only; /metrics and the checks (subgraph names, circuit states) are on the admin listener.
        operationalRoutes: production ? "probes" : "full",
      });
      const explorerFiles = config.explorer.enabled ? loadExplorerFiles() : undefined;
      const served = config.explorer.enabled
        ? withExplorer(handler, createExplorerHandler(explorerFiles, explorerPageConfig(config)), {
            redirectGraphQLPage: config.landingPage === "explorer",
          })
        : handler;
      const { host, port, headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = config.server;
      if (config.admin.enabled) admin = await listen(createAdminHandler({ readiness, metrics }), config.admin.port, config.admin.host);
      try {
        running = await listen(served, port, host, { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections });
      } catch (error) {
        await admin?.close(0);
        throw error;
      }
      for (const hook of features.all("listening"))
        hook({
          server: running.server,
          apollo,
          formatError,
          createContext: (req) => createRequestContext(req, String(req.headers["x-request-id"] ?? randomUUID()), undefined, contextHooks),
        });
      if (registry?.report.enabled) {
        const readinessChecks = () => Object.assign({}, ...checks.map((check) => check())) as Record<string, string>;
        reporter = createRouterReporter({ config: registry, logger, served: () => servedSupergraph, checks: readinessChecks });
      }
      if (admin) logger.info({ url: admin.url }, "admin listener ready: /metrics, /health/ready with details");
      if (config.explorer.enabled) logExplorerState(logger, explorerFiles, `${running.url}${EXPLORER_PATH}`);
      logger.info(
        { url: `${running.url}/graphql`, supergraph: registry ? new URL(registry.url).origin : file, mode: config.mode },
        "router ready",
      );
      return { ...running, adminUrl: admin?.url };
    },
    async stop() {
      await Promise.all((features?.all("stopServing") ?? []).map((stop) => stop()));
      await running?.close(config.server.shutdownGraceMs);
      await admin?.close(0);
      await apollo?.stop().catch(() => undefined);
      await closePools?.();
      await usage?.close();
      await reporter?.close();
      await Promise.all((features?.all("close") ?? []).map((close) => close()));
    },
  };
}

type ContextHook = NonNullable<FeatureHooks["context"]>;
type RequestHook = NonNullable<FeatureHooks["request"]>;

async function createRequestContext(
  req: IncomingMessage,
  requestId: string,
  exchange: GraphQLExchange | undefined,
  hooks: ContextHook[],
): Promise<RouterContext> {
  const context: RouterContext = {
    requestId,
    caller: null,
    tokenClaims: null,
    clientHeaders: req.headers,
    clientIp: req.socket.remoteAddress ?? "",
    responseHeaders: new Map(),
    exchange,
  };
  for (const hook of hooks) await hook(req, context, exchange);
  return context;
}

async function runRequestHooks(hooks: RequestHook[], req: IncomingMessage, res: ServerResponse, requestId: string): Promise<boolean> {
  for (const hook of hooks) if (await hook(req, res, requestId)) return true;
  return false;
}
