import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, CountBreaker, circuitBreaker, handleWhen, type IBreaker } from "cockatiel";

/**
 * A circuit breaker per subgraph, on cockatiel's state machine: closed (calls pass), open (calls fail
 * at once for `openMs`), then half-open (the next call is the one probe: success closes the circuit,
 * failure opens it again). Calls arriving while the probe runs fail fast too, rather than queueing
 * behind a probe that may hang until its timeout.
 */
export interface CircuitBreakerOptions {
  /** Off: every call passes, whatever happened before. */
  enabled: boolean;
  /** Opens after this many failures in a row. */
  consecutiveFailures: number;
  /** ...or when more than this share (0..1, exclusive) of the last `failureRateWindow` calls failed. */
  failureRate: number;
  /** Calls in the sliding window of the failure rate; the rate is judged once the window is full. */
  failureRateWindow: number;
  /** Milliseconds the circuit stays open before one probe is let through. */
  openMs: number;
}

export type BreakerState = "closed" | "open" | "half-open";

export class CircuitOpenError extends Error {
  constructor() {
    super("circuit open after repeated failures");
    this.name = "CircuitOpenError";
  }
}

export interface CircuitBreaker {
  /** Runs `call` unless the circuit is open; throws CircuitOpenError then. */
  execute<T>(call: () => Promise<T>): Promise<T>;
  readonly state: BreakerState;
  /** Called on every change of state (for logs). */
  onStateChange(listener: (state: BreakerState) => void): void;
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "open",
};

/** Trips when either rule says so; both see every outcome so their windows stay true. */
function eitherBreaker(a: IBreaker, b: IBreaker): IBreaker {
  return {
    get state() {
      return [a.state, b.state];
    },
    set state(value: unknown) {
      [a.state, b.state] = value as [unknown, unknown];
    },
    success(state) {
      a.success(state);
      b.success(state);
    },
    failure(state) {
      const first = a.failure(state);
      const second = b.failure(state);
      return first || second;
    },
  };
}

/** `countsAsFailure` picks the errors that speak of the subgraph's health (not, say, a cancelled request). */
export function createCircuitBreaker(options: CircuitBreakerOptions, countsAsFailure: (error: Error) => boolean): CircuitBreaker {
  if (!options.enabled) {
    return { execute: (call) => call(), state: "closed", onStateChange: () => undefined };
  }
  const policy = circuitBreaker(handleWhen(countsAsFailure), {
    halfOpenAfter: options.openMs,
    breaker: eitherBreaker(
      new ConsecutiveBreaker(options.consecutiveFailures),
      new CountBreaker({ threshold: options.failureRate, size: options.failureRateWindow }),
    ),
  });
  return {
    async execute(call) {
      // cockatiel queues calls behind a running probe; a router must answer at once instead.
      if (policy.state === CircuitState.HalfOpen) throw new CircuitOpenError();
      try {
        return await policy.execute(() => call());
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw new CircuitOpenError();
        throw error;
      }
    },
    get state() {
      return STATES[policy.state];
    },
    onStateChange(listener) {
      policy.onStateChange((state) => listener(STATES[state]));
    },
  };
}
