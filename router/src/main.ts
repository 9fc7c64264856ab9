/**
 * `npm start -w router -- [--supergraph FILE] [--port N] [--config router.yaml]`
 * Serves any composed supergraph file. Exits 2 with every problem listed when config is bad.
 */
import { parseArgs } from "node:util";
import { ConfigError, createLogger, startTracing, stopOnSignals, type Tracing } from "@store/service-kit";
import { loadRouterConfig } from "./config.ts";
import { SupergraphLoadError, createRouter } from "./router.ts";

let router;
let shutdownGraceMs = 10_000;
let tracing: Tracing | undefined;
try {
  const { values } = parseArgs({
    options: { supergraph: { type: "string" }, port: { type: "string" }, config: { type: "string" } },
  });
  const config = loadRouterConfig({ flags: values });
  shutdownGraceMs = config.server.shutdownGraceMs;
  const logger = createLogger("router", config.logLevel);
  // Before the gateway exists, so its spans and the first request are traced.
  tracing = await startTracing("router", config.tracing, logger);
  router = createRouter(config, logger);
  await router.start();
} catch (error) {
  if (
    error instanceof ConfigError ||
    error instanceof SupergraphLoadError ||
    (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
  ) {
    console.error((error as Error).message);
    process.exit(2);
  }
  throw error;
}

// Never outlive a stuck stop: the grace period, then a little for the pools and exporters.
stopOnSignals({
  logger: router.logger,
  limitMs: shutdownGraceMs + 5_000,
  stop: async () => {
    await router.stop();
    await tracing?.shutdown();
  },
});
