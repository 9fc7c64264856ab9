import type { Logger } from "pino";

/**
 * Remembers the nonces of signed mutations for the signature window, so that a captured request
 * replayed inside that window is refused. With Redis configured every replica of a subgraph shares
 * one memory (SET NX with the window as expiry); otherwise each process remembers alone.
 */
export interface ReplayGuard {
  /** True the first time `nonce` is seen within the window, false for a replay. */
  firstUse(nonce: string): Promise<boolean>;
  close(): Promise<void>;
}

/** In this process: nonces in arrival order, which is also expiry order, so expired ones leave from the front. */
export function memoryReplayGuard(windowSeconds: number, now: () => number = Date.now): ReplayGuard {
  const seen = new Map<string, number>();
  return {
    async firstUse(nonce) {
      const time = now();
      for (const [oldest, expiresAt] of seen) {
        if (expiresAt > time) break;
        seen.delete(oldest);
      }
      if (seen.has(nonce)) return false;
      seen.set(nonce, time + windowSeconds * 1000);
      return true;
    },
    close: async () => undefined,
  };
}

/**
 * Shared through Redis. When Redis fails, the nonce is checked in this process's memory instead
 * (a warning says so): a replay to the same replica is still refused, and mutations keep working.
 */
export async function redisReplayGuard(url: string, service: string, windowSeconds: number, logger: Logger): Promise<ReplayGuard> {
  // Loaded only when configured: most deployments never need the client.
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 500 });
  redis.on("error", () => undefined);
  await redis
    .connect()
    .catch((error: Error) =>
      logger.warn({ err: error.message }, "replay guard: Redis not reachable yet; nonces are remembered in memory until it is"),
    );
  const fallback = memoryReplayGuard(windowSeconds);
  return {
    async firstUse(nonce) {
      try {
        return (await redis.set(`replay:${service}:${nonce}`, "1", "EX", windowSeconds, "NX")) === "OK";
      } catch (error) {
        logger.warn({ err: (error as Error).message }, "replay guard: Redis failed; checked this nonce in memory");
        return fallback.firstUse(nonce);
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
