import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { SupergraphSdlHook } from "@apollo/gateway";
import { Supergraph } from "@apollo/federation-internals";
import { createRegistryClient } from "@store/registry-api";
import type { Logger } from "@store/service-kit";
import type { RegistrySourceConfig } from "./config.ts";
import type { RouterMetrics } from "./metrics.ts";

/**
 * The supergraph from the schema registry, through @apollo/gateway's supergraphSdl hook: the first
 * one from the registry (or, when it is down, from the cache file), then a long-poll loop with
 * If-None-Match. Each new supergraph is validated and written to the cache before the gateway swaps
 * it in; one that cannot load leaves the last good one serving.
 */

/** How long the first fetch may take before the router falls back to its cache file. */
const INITIAL_TIMEOUT_MS = 5_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

export class RegistrySourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistrySourceError";
  }
}

interface Fetched {
  sdl: string;
  etag: string;
  version: string | undefined;
}

/** Throws unless the SDL is a supergraph the gateway can plan against. */
export function validateSupergraph(sdl: string): void {
  Supergraph.build(sdl);
}

export async function writeCacheAtomically(file: string, sdl: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, sdl, "utf8");
  // rename is atomic on one filesystem: a crash never leaves half a supergraph behind.
  await rename(temp, file);
}

export interface RegistrySourceOptions {
  config: RegistrySourceConfig;
  logger: Logger;
  metrics?: RouterMetrics | undefined;
  /** Checks and adapts each supergraph before it is validated and loaded (the policy stages'); throws to refuse it. */
  prepare?: (sdl: string) => string;
  /** Called with each supergraph the router starts serving (the registry's version, or undefined from the cache file). */
  onServed?: (version: string | undefined, sdl: string) => void;
}

export function registrySupergraph({
  config,
  logger,
  metrics,
  prepare = (sdl) => sdl,
  onServed,
}: RegistrySourceOptions): SupergraphSdlHook {
  const registry = createRegistryClient({ url: config.url, token: config.token, timeoutMs: INITIAL_TIMEOUT_MS });
  const log = logger.child({ registry: new URL(config.url).origin });

  /** The current supergraph, or undefined when it did not change (304 after the wait). */
  async function fetchSupergraph(etag: string | undefined, wait: number, signal: AbortSignal): Promise<Fetched | undefined> {
    const answer = await registry.supergraph({ query: wait > 0 ? { wait } : {}, headers: etag ? { "if-none-match": etag } : {}, signal });
    if (answer.status === 304) return undefined;
    const sdl: unknown = answer.body?.supergraph?.sdl;
    if (typeof sdl !== "string" || !sdl) throw new RegistrySourceError("registry answered without a supergraph SDL");
    return { sdl, etag: answer.headers.get("etag") ?? "", version: answer.headers.get("x-supergraph-version") ?? undefined };
  }

  function markVersion(version: string) {
    metrics?.supergraphVersion.reset();
    metrics?.supergraphVersion.set({ version }, 1);
  }

  /** From the registry (short timeout), else from the cache file, else the router cannot start. */
  async function initial(stopped: AbortSignal): Promise<Fetched> {
    try {
      const fetched = (await fetchSupergraph(undefined, 0, AbortSignal.any([stopped, AbortSignal.timeout(INITIAL_TIMEOUT_MS)])))!;
      validateSupergraph(prepare(fetched.sdl));
      await writeCacheAtomically(config.cacheFile, fetched.sdl).catch((error: Error) =>
        log.warn({ err: error.message }, "could not write the supergraph cache file"),
      );
      markVersion(fetched.version ?? "unknown");
      log.info({ version: fetched.version }, "supergraph loaded from the registry");
      return fetched;
    } catch (error) {
      const sdl = await readFile(config.cacheFile, "utf8").catch(() => undefined);
      if (!sdl) {
        throw new RegistrySourceError(
          `no supergraph: the registry failed (${(error as Error).message}) and there is no cache file at ${config.cacheFile}`,
        );
      }
      log.warn({ err: (error as Error).message, cacheFile: config.cacheFile }, "registry unavailable: serving the cached supergraph");
      prepare(sdl);
      markVersion("cache");
      return { sdl, etag: "", version: undefined };
    }
  }

  return async ({ update }) => {
    const stopped = new AbortController();
    let current = await initial(stopped.signal);
    onServed?.(current.version, current.sdl);

    const loop = (async () => {
      let failures = 0;
      while (!stopped.signal.aborted) {
        try {
          const next = await fetchSupergraph(
            current.etag || undefined,
            config.pollTimeoutSeconds,
            AbortSignal.any([stopped.signal, AbortSignal.timeout((config.pollTimeoutSeconds + 10) * 1000)]),
          );
          failures = 0;
          if (!next || next.sdl === current.sdl) {
            if (next) current = next;
            continue;
          }
          try {
            const ready = prepare(next.sdl);
            validateSupergraph(ready);
            update(ready);
          } catch (error) {
            metrics?.supergraphUpdateFailures.inc();
            log.error({ err: (error as Error).message, version: next.version }, "new supergraph cannot load: keeping the last good one");
            // Remember its ETag so the same bad version is not fetched again and again.
            current = { ...current, etag: next.etag };
            continue;
          }
          current = next;
          onServed?.(next.version, next.sdl);
          markVersion(next.version ?? "unknown");
          await writeCacheAtomically(config.cacheFile, next.sdl).catch((error: Error) =>
            log.warn({ err: error.message }, "could not write the supergraph cache file"),
          );
          log.info({ version: next.version }, "supergraph updated from the registry");
        } catch (error) {
          if (stopped.signal.aborted) break;
          failures += 1;
          // Full jitter, capped: many routers never hammer a recovering registry in step.
          const delay = Math.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures, 10));
          log.warn(
            { err: (error as Error).message, retryInMs: Math.round(delay) },
            "registry poll failed: serving the last good supergraph",
          );
          await sleep(delay, undefined, { signal: stopped.signal }).catch(() => undefined);
        }
      }
    })();

    return {
      supergraphSdl: prepare(current.sdl),
      cleanup: async () => {
        stopped.abort();
        await loop;
      },
    };
  };
}
