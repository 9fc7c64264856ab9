/**
 * Retries with exponential backoff and full jitter, inside a deadline. Full jitter (a random delay
 * between 0 and the exponential cap) spreads the retries of many clients that failed at the same
 * moment, so a subgraph coming back is not hit by a synchronized wave.
 */
export interface RetryOptions {
  /** Attempts in all, the first one included; 1 means no retry. */
  maxAttempts: number;
  /** Cap of the first backoff, in milliseconds; it doubles per retry. */
  initialDelayMs: number;
  /** Largest backoff, in milliseconds. */
  maxDelayMs: number;
}

/** Backoff before retry number `retry` (1 for the first retry): uniform in [0, min(max, initial * 2^(retry-1))). */
export function backoffDelay(
  retry: number,
  options: Pick<RetryOptions, "initialDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const cap = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

export interface RetryRun extends RetryOptions {
  /** Epoch milliseconds after which no new attempt starts. */
  deadline: number;
  /** Whether this failure may be tried again (the caller decides: queries only, transient failures only). */
  shouldRetry(error: unknown): boolean;
  random?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` (given its 1-based number) until it succeeds, a failure is final, attempts run out or the deadline would pass. */
export async function withRetries<T>(attempt: (attemptNumber: number) => Promise<T>, run: RetryRun): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (attemptNumber >= run.maxAttempts || !run.shouldRetry(error)) throw error;
      const delay = backoffDelay(attemptNumber, run, run.random);
      // A retry that could not start before the deadline would only turn a clear error into a timeout.
      if (Date.now() + delay >= run.deadline) throw error;
      await sleep(delay);
    }
  }
}
