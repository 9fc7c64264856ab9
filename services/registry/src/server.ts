import { readFile } from "node:fs/promises";
import { readSupergraphConfig } from "@store/composition";
import { createLogger, databaseReadiness, listen, openDatabase, type Database, type Logger, type RunningServer } from "@store/service-kit";
import { defaultDataDir, migrationsDir, ownerOf, type RegistryConfig } from "./config.ts";
import { createRegistryPrisma } from "./data/prisma.ts";
import { countSupergraphVersions, latestSupergraphHead, syncOwners } from "./data/store.ts";
import { loadConsoleAssets } from "./console.ts";
import { createConsoleReads } from "./console-reads.ts";
import { createRegistryHandler } from "./http.ts";
import { createRegistryMetrics } from "./metrics.ts";
import { createRegistry } from "./registry.ts";

export interface RegistryServerDeps {
  config: RegistryConfig;
  /** An already open database (tests pass a throwaway one); otherwise opened from the config. */
  db?: Database;
  logger?: Logger;
  now?: () => Date;
}

/** Reads supergraph.yaml's schema files: what `registry import` publishes as version 1. */
export async function readRepoSubgraphs(supergraphConfigPath: string) {
  const { subgraphs } = await readSupergraphConfig(supergraphConfigPath);
  return Promise.all(subgraphs.map(async (s) => ({ name: s.name, routingUrl: s.routingUrl, sdl: await readFile(s.schemaPath, "utf8") })));
}

/** Builds the registry without side effects; tests and main.ts both start here. */
export async function createRegistryServer({
  config,
  db: givenDb,
  logger = createLogger("registry", config.logLevel),
  now,
}: RegistryServerDeps) {
  const db = givenDb ?? (await openDatabase({ url: config.databaseUrl, defaultDataDir }));
  const prisma = createRegistryPrisma(db.adapter);
  const metrics = createRegistryMetrics();
  const registry = createRegistry({ prisma, config, logger, metrics, now });
  const shutdown = new AbortController();
  const readiness = databaseReadiness(db, migrationsDir);
  const handler = createRegistryHandler({
    registry,
    config,
    logger,
    metrics,
    shutdown: shutdown.signal,
    readiness: readiness.check,
    consoleReads: createConsoleReads({ prisma, config, now }),
    consoleAssets: loadConsoleAssets(),
  });

  let running: RunningServer | undefined;
  return {
    registry,
    prisma,
    db,
    metrics,
    logger,
    /** Applies migrations and imports as the config asks, then listens. */
    async start() {
      if (config.migrateOnStart) {
        const applied = await readiness.migrate();
        if (applied.length) logger.info({ applied }, "applied migrations");
      }
      const reassigned = await syncOwners(prisma, (name) => ownerOf(config, name));
      if (reassigned.length) logger.info({ subgraphs: reassigned }, "owners updated from the registry config");
      if (config.importOnStart && (await countSupergraphVersions(prisma)) === 0) {
        const imported = await registry.importSubgraphs(await readRepoSubgraphs(config.supergraphConfigPath));
        logger.info({ version: imported.version }, "empty registry: imported supergraph.yaml");
      }
      const head = await latestSupergraphHead(prisma);
      if (head) metrics.supergraphVersion.set(head.version);
      if (config.tokens.length === 0)
        logger.warn(
          "no registry tokens configured (REGISTRY_TOKEN_<TEAM>, REGISTRY_ROUTER_TOKEN or tokenSha256): every API call will be refused",
        );
      running = await listen(handler, config.port, config.host);
      logger.info(
        { url: running.url, database: db.kind, location: db.location, supergraphVersion: head?.version ?? null },
        "registry ready",
      );
      return running;
    },
    async stop() {
      shutdown.abort();
      await running?.close();
      await prisma.$disconnect();
      await db.close();
    },
  };
}

export type RegistryServer = Awaited<ReturnType<typeof createRegistryServer>>;
