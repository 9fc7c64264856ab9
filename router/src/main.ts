/**
 * `npm start -w router -- [--supergraph FILE] [--port N] [--config router.yaml]`
 * Serves any composed supergraph file. Exits 2 with every problem listed when config is bad.
 */
import { parseArgs } from "node:util";
import { ConfigError } from "@store/service-kit";
import { loadRouterConfig } from "./config.ts";
import { SupergraphLoadError, createRouter } from "./router.ts";

let router;
try {
  const { values } = parseArgs({
    options: { supergraph: { type: "string" }, port: { type: "string" }, config: { type: "string" } },
  });
  router = createRouter(loadRouterConfig({ flags: values }));
  await router.start();
} catch (error) {
  if (error instanceof ConfigError || error instanceof SupergraphLoadError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error((error as Error).message);
    process.exit(2);
  }
  throw error;
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    router.logger.info({ signal }, "shutting down");
    setTimeout(() => process.exit(1), 30_000); // never outlive a stuck stop
    await router.stop();
    process.exit(0);
  });
}
