import { CircuitOpenError, createCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions } from "./circuit-breaker.ts";
import { withRetries, type RetryOptions } from "./retry-policy.ts";
import { SubgraphFailure } from "../../subgraph-call/failure.ts";

/**
 * How one subgraph is called: a deadline for the whole fetch (retries included, so the router never
 * waits past the subgraph's timeout), retries of transient failures for queries only, and the
 * subgraph's circuit breaker around every attempt.
 */
export interface FetchPolicyOptions {
  subgraph: string;
  /** Milliseconds the whole fetch may take, every attempt and backoff included. */
  timeoutMs: number;
  retry: RetryOptions;
  breaker: CircuitBreakerOptions;
}

export interface FetchPolicy {
  /**
   * Runs one fetch. `idempotent` is true for queries: only those are retried, since a mutation that
   * failed on the way back may already have been applied. Failures reach the caller as SubgraphFailure.
   */
  run<T>(idempotent: boolean, attempt: (signal: AbortSignal) => Promise<T>): Promise<T>;
  breaker: CircuitBreaker;
}

/**
 * Deadline controllers of fetches that finished before their deadline, for the next fetches. On
 * Node 20 no two AbortSignals share a hidden class (each is an EventTarget given a new prototype):
 * at thousands of fetches a second, fresh ones filled the old generation with hidden classes and
 * turned every property access that met one megamorphic. A controller comes back here only unaborted
 * and with no listener left (undici removes its own when a request settles).
 */
const idleDeadlines: AbortController[] = [];
const MAX_IDLE_DEADLINES = 512;

export function createFetchPolicy(options: FetchPolicyOptions): FetchPolicy {
  const { subgraph } = options;
  // A circuit-open answer is the breaker's own doing, not news about the subgraph.
  const breaker = createCircuitBreaker(options.breaker, (error) => error instanceof SubgraphFailure && error.kind !== "circuit-open");
  const { maxAttempts, initialDelayMs, maxDelayMs } = options.retry;
  return {
    breaker,
    async run(idempotent, attempt) {
      // A timer cleared as soon as the fetch settles: AbortSignal.timeout's timer would stay armed
      // for the whole timeout after every fetch, thousands of them at once under load.
      const deadline = idleDeadlines.pop() ?? new AbortController();
      const timer = setTimeout(() => deadline.abort(new DOMException("The subgraph fetch timed out", "TimeoutError")), options.timeoutMs);
      const guarded = () =>
        breaker
          .execute(() => attempt(deadline.signal))
          .catch((error: unknown) => {
            if (error instanceof CircuitOpenError) throw new SubgraphFailure(subgraph, "circuit-open", error.message);
            throw error;
          });
      try {
        // Written out rather than spread from options.retry: V8 gives every spread copy that gains
        // more properties a hidden class of its own, and thousands of them a second slowed every
        // property access that saw one.
        return await withRetries(guarded, {
          maxAttempts,
          initialDelayMs,
          maxDelayMs,
          deadline: Date.now() + options.timeoutMs,
          shouldRetry: (error) => idempotent && error instanceof SubgraphFailure && error.transient,
        });
      } finally {
        clearTimeout(timer);
        if (!deadline.signal.aborted && idleDeadlines.length < MAX_IDLE_DEADLINES) idleDeadlines.push(deadline);
      }
    },
  };
}
