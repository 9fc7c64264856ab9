import { z } from "zod";

/** Retries of failed subgraph fetches: queries only (never mutations), transient failures only. */
export const retryFields = {
  /** Attempts in all, the first one included (1: no retry). */
  maxAttempts: z.number().int().min(1).max(10),
  /** Cap of the first backoff in milliseconds; it doubles per retry, and the delay is random below it (full jitter). */
  initialDelayMs: z.number().int().nonnegative(),
  /** Largest backoff in milliseconds. */
  maxDelayMs: z.number().int().nonnegative(),
};

/** A circuit breaker per subgraph: fail fast while it is down, one probe per `openMs`. */
export const circuitBreakerFields = {
  enabled: z.boolean(),
  /** Opens after this many failed fetches in a row. */
  consecutiveFailures: z.number().int().positive(),
  /** ...or when more than this share (between 0 and 1) of the last `failureRateWindow` fetches failed. */
  failureRate: z.number().gt(0).lt(1),
  failureRateWindow: z.number().int().positive(),
  /** Milliseconds the circuit stays open before one probe fetch is let through. */
  openMs: z.number().int().positive(),
};

export const trafficConfigSchema = z
  .object({
    /** Milliseconds one subgraph fetch may take, retries included (default 10000). */
    subgraphTimeoutMs: z.number().int().positive().default(10_000),
    /** Keep-alive connections kept open to each subgraph (default 128). */
    maxConnectionsPerSubgraph: z.number().int().positive().default(128),
    /** Identical queries in flight at the same time (same operation, variables, caller and forwarded headers) share one execution (default false). */
    mergeIdenticalQueries: z.boolean().default(false),
    /** Defaults: 3 attempts, 50 ms first backoff cap, 500 ms largest backoff. */
    retry: z
      .object({
        maxAttempts: retryFields.maxAttempts.default(3),
        initialDelayMs: retryFields.initialDelayMs.default(50),
        maxDelayMs: retryFields.maxDelayMs.default(500),
      })
      .strict()
      .prefault({}),
    /** Defaults: on, 5 failures in a row or more than half of the last 20, open 2000 ms. */
    circuitBreaker: z
      .object({
        enabled: circuitBreakerFields.enabled.default(true),
        consecutiveFailures: circuitBreakerFields.consecutiveFailures.default(5),
        failureRate: circuitBreakerFields.failureRate.default(0.5),
        failureRateWindow: circuitBreakerFields.failureRateWindow.default(20),
        openMs: circuitBreakerFields.openMs.default(2_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type TrafficConfig = z.output<typeof trafficConfigSchema>;
