import type { IncomingHttpHeaders } from "node:http";
import { ApolloServer, type BaseContext } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { DocumentNode } from "graphql";
import type { Logger } from "pino";
import type { SubgraphConfig } from "./config.ts";
import { openDatabase, type Database } from "./database.ts";
import { errorFormatter } from "./graphql-errors.ts";
import { createHttpHandler, listen, stringifyResult, type RunningServer } from "./http.ts";
import { createLogger } from "./logger.ts";
import { createServiceMetrics, type ServiceMetrics } from "./metrics.ts";
import { databaseReadiness } from "./database-readiness.ts";
import { observationPlugin } from "./observation-plugin.ts";
import { enterQueryTally, trackQueries } from "./query-tracking.ts";
import { cacheInvalidationPlugin } from "./cache-invalidation.ts";
import { callPolicyPlugin } from "./call-policy-plugin.ts";
import { memoryReplayGuard, redisReplayGuard } from "./replay-guard.ts";
import { serveSubgraphSubscriptions } from "./subgraph-subscriptions.ts";
import { createRedisBus, sharedMemoryBus, type EventBus } from "@store/events";
import {
  ErrorCode,
  callerFromHeaders,
  codedError,
  createClaimsVerifier,
  createRequestVerifier,
  parseClaimsKey,
  routerSecretVariable,
  type Caller,
} from "@store/wire";

/** What a Prisma client must offer the kit: query events (for counting) and a way to disconnect. */
export interface PrismaLike {
  $on(event: "query", listener: (event: { query: string; duration: number }) => void): void;
  $disconnect(): Promise<void>;
}

export interface RequestInfo {
  requestId: string;
  headers: IncomingHttpHeaders;
  /** The signed-in user from the router's claims header, or null for an anonymous request. */
  caller: Caller | null;
  /** Who signed the request: "router" or a trusted service's name; unset when signing is not required. */
  callingService?: string;
  /** The service's logger, for what a resolver must report beside its answer. */
  logger: Logger;
  /** Domain events: publish what changed, follow them in subscription resolvers. */
  events: EventBus;
}

/** Everything that makes one subgraph what it is; the kit supplies the rest. */
export interface SubgraphDefinition<P extends PrismaLike, Ctx extends BaseContext> {
  name: string;
  defaultPort: number;
  migrationsDir: string;
  defaultDataDir: string;
  typeDefs: DocumentNode;
  /** Resolvers by type name, then field name (the shape @apollo/subgraph takes). */
  resolvers: Record<string, unknown>;
  /** Builds the service's PrismaClient on the given driver adapter, with query events enabled. */
  createPrisma(adapter: Database["adapter"]): P;
  /** Per-request context: fresh DataLoaders every request, so nothing is cached across users. */
  createContext(prisma: P, request: RequestInfo): Ctx;
  /** Loads the seed data if the database is empty; returns whether it did. */
  seed(prisma: P, logger: Logger): Promise<boolean>;
  /** Work beside requests (inventory's expiry sweep), started once listening; the returned function stops it. */
  background?(prisma: P, logger: Logger, events: EventBus): () => Promise<void>;
}

export interface SubgraphDeps {
  config: SubgraphConfig;
  /** An already open database (tests pass a throwaway one); otherwise opened from the config. */
  db?: Database;
  logger?: Logger;
  /** An already open event bus (tests share one); otherwise opened from the config. */
  events?: EventBus;
}

export interface SubgraphServer<P> {
  prisma: P;
  db: Database;
  events: EventBus;
  metrics: ServiceMetrics;
  logger: Logger;
  /** Applies migrations and seeds as the config asks, then listens. */
  start(): Promise<RunningServer>;
  stop(): Promise<void>;
}

export async function createSubgraphServer<P extends PrismaLike, Ctx extends BaseContext>(
  definition: SubgraphDefinition<P, Ctx>,
  { config, db: givenDb, events: givenEvents, logger = createLogger(definition.name, config.logLevel) }: SubgraphDeps,
): Promise<SubgraphServer<P>> {
  const db = givenDb ?? (await openDatabase({ url: config.databaseUrl, defaultDataDir: definition.defaultDataDir }));
  const metrics = createServiceMetrics(definition.name);
  const prisma = definition.createPrisma(db.adapter);
  trackQueries(prisma, metrics);

  const replayGuard = config.signing.replayRedisUrl
    ? await redisReplayGuard(config.signing.replayRedisUrl, definition.name, config.signing.maxAgeSeconds, logger)
    : memoryReplayGuard(config.signing.maxAgeSeconds);
  const callerOf = callerReader(config, logger);
  const events =
    givenEvents ??
    (config.events.redisUrl
      ? await createRedisBus({
          url: config.events.redisUrl,
          channelPrefix: config.events.channelPrefix,
          onError: (error) => logger.warn({ err: error.message }, "events: Redis failed (reconnecting)"),
        })
      : sharedMemoryBus());
  const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers as never }]);

  const apollo = new ApolloServer<Ctx>({
    schema,
    introspection: !config.production,
    // No "Did you mean ...?" in validation errors in production (errorFormatter strips the rest).
    hideSchemaDetailsFromClientErrors: config.production,
    // runSubgraphMain owns the signals; Apollo stopping itself too would race our shutdown.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !config.production,
    stringifyResult,
    formatError: errorFormatter(logger, config.production),
    // Inline traces (ftv1) only serve Apollo's hosted usage reporting, which we do not use.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      observationPlugin<Ctx>({ executeSpan: true }),
      callPolicyPlugin<Ctx>({ service: definition.name, replayGuard }),
      cacheInvalidationPlugin<Ctx>(),
      ...(config.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
    logger,
  });

  const readiness = databaseReadiness(db, definition.migrationsDir);
  const handler = createHttpHandler<Ctx>({
    apollo,
    logger,
    metrics,
    // The router logs each client request at info with the same request id; a subgraph's own line
    // per fetch (several per client request) would triple the volume, so it waits for LOG_LEVEL=debug.
    requestLogLevel: "debug",
    maxBodyBytes: config.maxBodyBytes,
    context: async (req, requestId, callingService) => {
      enterQueryTally({ statements: 0 });
      return definition.createContext(prisma, {
        requestId,
        headers: req.headers,
        caller: callerOf(req.headers),
        callingService,
        logger,
        events,
      });
    },
    readiness: readiness.check,
    verifyRequest: config.signing.mode === "required" ? createRequestVerifier(config.signing) : undefined,
  });

  let running: RunningServer | undefined;
  let subscriptions: ReturnType<typeof serveSubgraphSubscriptions> | undefined;
  let stopBackground: (() => Promise<void>) | undefined;
  return {
    prisma,
    db,
    events,
    metrics,
    logger,
    async start() {
      if (config.migrateOnStart) {
        const applied = await readiness.migrate();
        if (applied.length) logger.info({ applied }, "applied migrations");
      }
      if (config.seedOnStart && (await definition.seed(prisma, logger))) logger.info("loaded seed data");
      await apollo.start();
      if (config.signing.mode === "open") {
        logger.warn(
          `accepting unsigned requests: set ${routerSecretVariable(definition.name)} (the stack does) so that only the router can call ${definition.name}`,
        );
      } else if (config.signing.mode === "off") {
        logger.warn("SUBGRAPH_SIGNING=off: accepting unsigned requests from anyone who reaches this port");
      }
      running = await listen(handler, config.port, config.host);
      if (schema.getSubscriptionType()) {
        subscriptions = serveSubgraphSubscriptions({
          server: running.server,
          schema,
          logger,
          maxPayloadBytes: config.maxBodyBytes,
          verify: config.signing.mode === "required" ? createRequestVerifier(config.signing) : undefined,
          callerOf,
          createContext: (headers, caller, requestId) =>
            definition.createContext(prisma, { requestId, headers, caller, callingService: "router", logger, events }),
        });
      }
      stopBackground = definition.background?.(prisma, logger, events);
      logger.info(
        {
          url: `${running.url}/graphql`,
          database: db.kind,
          location: db.location,
          signing: config.signing.mode,
          trustedCallers: Object.keys(config.signing.credentials),
        },
        `${definition.name} subgraph ready`,
      );
      return running;
    },
    async stop() {
      await stopBackground?.();
      await subscriptions?.close();
      await running?.close(config.shutdownGraceMs);
      await apollo.stop().catch(() => undefined);
      await replayGuard.close();
      await prisma.$disconnect();
      await db.close();
      if (!givenEvents) await events.close();
    },
  };
}

/**
 * The signed-in user of a request. With the router's public key configured, only claims the router signed
 * name a user, and a claims header it did not sign is refused (401), not read as anonymous.
 * Without it (development without signing) the claims header is taken as it is.
 */
function callerReader(config: SubgraphConfig, logger: Logger): (headers: IncomingHttpHeaders) => Caller | null {
  if (!config.signing.claimsPublicKey) return callerFromHeaders;
  const verify = createClaimsVerifier(parseClaimsKey(config.signing.claimsPublicKey, "public"));
  return (headers) => {
    const verdict = verify(headers);
    if (verdict.ok) return verdict.caller;
    logger.warn(
      { reason: verdict.reason, caller: headers["x-supergraph-caller"] },
      "refused a request whose user claims the router did not sign",
    );
    throw codedError(ErrorCode.UNAUTHENTICATED, "The user claims of this request are not signed by the router.", { http: { status: 401 } });
  };
}
