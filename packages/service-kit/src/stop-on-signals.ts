import type { Logger } from "pino";

/**
 * Stops the process once on SIGINT or SIGTERM: logs, runs `stop`, exits 0. A stop that hangs (a
 * stuck connection, say) must not keep the process alive forever, so after `limitMs` it exits 1.
 */
export function stopOnSignals({ logger, limitMs, stop }: { logger: Logger; limitMs: number; stop: () => Promise<void> }): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => {
      logger.error({ limitMs }, "shutdown did not finish in time; exiting anyway");
      process.exit(1);
    }, limitMs);
    await stop();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(signal));
}
