import { createHash, randomBytes } from "node:crypto";
import os from "node:os";
import { createRegistryClient } from "@store/registry-api";
import type { Logger } from "@store/service-kit";
import type { RegistrySourceConfig } from "./config.ts";

/** What this replica serves now: the registry's version header and the SDL it came with. */
export interface ServedSupergraph {
  version: string | undefined;
  sdl: string;
}

export interface RouterReporterOptions {
  config: RegistrySourceConfig;
  logger: Logger;
  served: () => ServedSupergraph | undefined;
  /** The features' readiness checks: `circuit:<subgraph>` entries say how each subgraph looked last. */
  checks: () => Record<string, string>;
}

/**
 * Tells the registry, off the request path, which supergraph this replica serves and how its
 * subgraphs looked (an open circuit is unhealthy), so the console shows every replica. A failed
 * report is logged once per failure streak and tried again at the next interval.
 */
export function createRouterReporter({ config, logger, served, checks }: RouterReporterOptions) {
  const registry = createRegistryClient({ url: config.url, token: config.token, timeoutMs: 5_000 });
  // Stable for this process, distinct per replica even on one host.
  const replicaId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  let failing = false;
  let inFlight: Promise<void> | undefined;

  async function report(): Promise<void> {
    const current = served();
    const version = Number(current?.version);
    const checkedAt = new Date().toISOString();
    const subgraphs = Object.entries(checks())
      .filter(([key]) => key.startsWith("circuit:"))
      .map(([key, state]) => ({ name: key.slice("circuit:".length), healthy: state !== "open", checkedAt }));
    try {
      await registry.routerReport({
        body: {
          replicaId,
          supergraphVersion: Number.isInteger(version) && version > 0 ? version : null,
          supergraphHash: current ? createHash("sha256").update(current.sdl).digest("hex") : null,
          subgraphs,
        },
      });
      if (failing) logger.info("router report to the registry works again");
      failing = false;
    } catch (error) {
      if (!failing) logger.warn({ err: (error as Error).message }, "router report to the registry failed: retrying at the next interval");
      failing = true;
    }
  }

  const tick = () => {
    inFlight ??= report().finally(() => (inFlight = undefined));
  };
  tick();
  const timer = setInterval(tick, config.report.intervalMs);
  timer.unref();
  return {
    replicaId,
    async close() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
