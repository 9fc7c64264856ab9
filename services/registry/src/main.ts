/**
 * `registry [serve]` (default), `registry migrate` (production deploys), `registry import`
 * (supergraph.yaml's subgraphs as version 1 of an empty registry) and `registry hash-token`
 * (reads a token on stdin, prints its sha256 for registry.yaml).
 */
import { text } from "node:stream/consumers";
import { ConfigError, applyMigrations, createLogger, openDatabase, stopOnSignals } from "@store/service-kit";
import { defaultDataDir, loadRegistryConfig, migrationsDir, sha256, MIN_TOKEN_LENGTH } from "./config.ts";
import { RegistryError } from "./errors.ts";
import { createRegistryServer, readRepoSubgraphs } from "./server.ts";

const command = process.argv[2] ?? "serve";

if (command === "hash-token") {
  const token = (await text(process.stdin)).trim();
  if (token.length < MIN_TOKEN_LENGTH) {
    console.error(`Give the token on stdin; it must be at least ${MIN_TOKEN_LENGTH} characters.`);
    process.exit(2);
  }
  console.log(sha256(token).toString("hex"));
  process.exit(0);
}

let config;
try {
  config = loadRegistryConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
const logger = createLogger("registry", config.logLevel);

if (command === "migrate" || command === "import") {
  const db = await openDatabase({ url: config.databaseUrl, defaultDataDir });
  try {
    const applied = await applyMigrations(db.transaction, migrationsDir);
    logger.info({ applied, database: db.location }, applied.length ? "applied migrations" : "no pending migrations");
    if (command === "import") {
      const server = await createRegistryServer({ config, db, logger });
      const imported = await server.registry.importSubgraphs(await readRepoSubgraphs(config.supergraphConfigPath));
      logger.info({ version: imported.version }, "imported supergraph.yaml");
      await server.prisma.$disconnect();
    }
  } catch (error) {
    if (error instanceof RegistryError) {
      console.error(`${error.code}: ${error.message}`);
      process.exitCode = 1;
    } else throw error;
  } finally {
    await db.close();
  }
} else if (command === "serve") {
  const server = await createRegistryServer({ config, logger });
  await server.start();
  stopOnSignals({ logger, limitMs: 15_000, stop: () => server.stop() });
} else {
  console.error(`Unknown command "${command}". Use: serve | migrate | import | hash-token`);
  process.exit(2);
}
