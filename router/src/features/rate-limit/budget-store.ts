import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Logger } from "@store/service-kit";
import type { Budget } from "./config.ts";

/** What one budget said about one request. */
export interface Spend {
  allowed: boolean;
  /** Milliseconds until the window resets (the client's retry time when not allowed). */
  resetMs: number;
}

/** Counts requests against named budgets; `rule` picks the budget, `key` the identity within it. */
export interface BudgetStore {
  spend(rule: string, key: string): Promise<Spend>;
  close(): Promise<void>;
}

export interface StoreEvents {
  /** The shared store failed a request, which was counted in this router's memory instead. */
  storeError?(): void;
  storeUp?(up: boolean): void;
}

function fromResult(result: RateLimiterRes, allowed: boolean): Spend {
  return { allowed, resetMs: Math.max(0, result.msBeforeNext) };
}

async function spendOn(limiter: RateLimiterAbstract, key: string): Promise<Spend> {
  try {
    return fromResult(await limiter.consume(key), true);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return fromResult(rejection, false);
    throw rejection;
  }
}

function memoryLimiters(budgets: ReadonlyMap<string, Budget>): Map<string, RateLimiterMemory> {
  // rate-limiter-flexible drops each key when its window ends (an unref'd timer per live key), so
  // memory holds only identities seen in the current window.
  return new Map(
    [...budgets].map(([rule, budget]) => [
      rule,
      new RateLimiterMemory({ points: budget.requests, duration: budget.windowSeconds, keyPrefix: rule }),
    ]),
  );
}

/** Each router process counts alone. */
export function memoryBudgetStore(budgets: ReadonlyMap<string, Budget>): BudgetStore {
  const limiters = memoryLimiters(budgets);
  return {
    spend: (rule, key) => spendOn(limiters.get(rule)!, key),
    close: async () => undefined,
  };
}

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  logger: Logger;
  events?: StoreEvents;
}

/**
 * Replicas share one budget in Redis. While Redis is unreachable (down at start, restarting, slower
 * than commandTimeoutMs), each router counts in its own memory with the same budgets: the router
 * keeps answering and keeps limiting, each replica allowing up to the full budget on its own until
 * Redis is back. Every fallback is counted (rate_limit_store_errors_total).
 */
export function redisBudgetStore(budgets: ReadonlyMap<string, Budget>, options: RedisStoreOptions): BudgetStore {
  const { logger, events } = options;
  const client = new Redis(options.url, {
    // Fail fast instead of queueing while disconnected: the request falls back to memory at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let up: boolean | undefined;
  const setUp = (next: boolean, detail?: string) => {
    if (up === next) return;
    up = next;
    events?.storeUp?.(next);
    // The URL may carry a password: log its host only.
    const where = safeHost(options.url);
    if (next) logger.info({ store: where }, "rate limit store connected: replicas share one budget");
    else logger.warn({ store: where, reason: detail }, "rate limit store unreachable: counting in this router's memory until it is back");
  };
  client.on("ready", () => setUp(true));
  client.on("error", (error: Error) => setUp(false, error.message));
  client.on("end", () => setUp(false, "connection closed"));

  const shared = new Map(
    [...budgets].map(([rule, budget]) => [
      rule,
      new RateLimiterRedis({
        storeClient: client,
        points: budget.requests,
        duration: budget.windowSeconds,
        keyPrefix: `${options.keyPrefix}:${rule}`,
        rejectIfRedisNotReady: true,
      }),
    ]),
  );
  const local = memoryLimiters(budgets);
  return {
    async spend(rule, key) {
      try {
        const spent = await spendOn(shared.get(rule)!, key);
        if (up !== true) setUp(true); // back after a timeout that did not drop the connection
        return spent;
      } catch (error) {
        events?.storeError?.();
        if (up !== false) setUp(false, (error as Error).message);
        return spendOn(local.get(rule)!, key);
      }
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparsable URL)";
  }
}
