import type { BaseContext } from "@apollo/server";
import { ConfigError, loadSubgraphConfig } from "./config.ts";
import { openDatabase } from "./database.ts";
import { createLogger } from "./logger.ts";
import { applyMigrations } from "./migrations.ts";
import { createSubgraphServer, type PrismaLike, type SubgraphDefinition } from "./subgraph.ts";
import { stopOnSignals } from "./stop-on-signals.ts";
import { startTracing } from "./tracing.ts";

/**
 * The command line of every subgraph: `serve` (default), `migrate` (production deploys) and `seed`.
 * Exits non-zero with every configuration problem listed when the config is bad.
 */
export async function runSubgraphMain<P extends PrismaLike, Ctx extends BaseContext>(
  defineService: SubgraphDefinition<P, Ctx> | (() => SubgraphDefinition<P, Ctx>),
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  const command = argv[0] ?? "serve";
  let config;
  let definition: SubgraphDefinition<P, Ctx>;
  try {
    // A service with settings of its own builds its definition from them, so parse errors land here too.
    definition = typeof defineService === "function" ? defineService() : defineService;
    config = loadSubgraphConfig(definition.name, definition.defaultPort);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(definition.name, config.logLevel);

  if (command === "migrate" || command === "seed") {
    const db = await openDatabase({ url: config.databaseUrl, defaultDataDir: definition.defaultDataDir });
    try {
      const applied = await applyMigrations(db.transaction, definition.migrationsDir);
      logger.info({ applied, database: db.location }, applied.length ? "applied migrations" : "no pending migrations");
      if (command === "seed") {
        const prisma = definition.createPrisma(db.adapter);
        const seeded = await definition.seed(prisma, logger);
        logger.info(seeded ? "loaded seed data" : "database already has data; seed skipped");
        await prisma.$disconnect();
      }
    } finally {
      await db.close();
    }
    return;
  }
  if (command !== "serve") {
    console.error(`Unknown command "${command}". Use: serve | migrate | seed`);
    process.exit(2);
  }

  // Before the server exists, so its first request is already traced.
  const tracing = await startTracing(definition.name, config.tracing, logger);
  const server = await createSubgraphServer(definition, { config, logger });
  await server.start();
  stopOnSignals({
    logger,
    limitMs: config.shutdownGraceMs + 5_000,
    stop: async () => {
      await server.stop();
      await tracing.shutdown();
    },
  });
}
