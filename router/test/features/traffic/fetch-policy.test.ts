import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFetchPolicy } from "../../../src/features/traffic/fetch-policy.ts";
import { SubgraphFailure } from "../../../src/subgraph-call/failure.ts";

const policyOptions = {
  subgraph: "reviews",
  timeoutMs: 5_000,
  retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 100 },
  breaker: { enabled: true, consecutiveFailures: 4, failureRate: 0.9, failureRateWindow: 100, openMs: 1_000 },
};
const refused = () => Promise.reject(new SubgraphFailure("reviews", "unreachable", "it could not be reached", true));

describe("fetch policy", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function settle<T>(promise: Promise<T>) {
    const outcome = promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await vi.runAllTimersAsync();
    return outcome as Promise<{ value?: T; error?: unknown }>;
  }

  it("retries a query after a transient failure", async () => {
    const policy = createFetchPolicy(policyOptions);
    let calls = 0;
    const { value } = await settle(policy.run(true, async () => (++calls < 2 ? refused() : "data")));
    expect(value).toBe("data");
    expect(calls).toBe(2);
  });

  it("never retries a mutation", async () => {
    const policy = createFetchPolicy(policyOptions);
    let calls = 0;
    const { error } = await settle(policy.run(false, () => (calls++, refused())));
    expect(error).toBeInstanceOf(SubgraphFailure);
    expect(calls).toBe(1);
  });

  it("does not retry a failure that is not transient (an invalid response)", async () => {
    const policy = createFetchPolicy(policyOptions);
    let calls = 0;
    const { error } = await settle(
      policy.run(true, () => (calls++, Promise.reject(new SubgraphFailure("reviews", "invalid-response", "not JSON")))),
    );
    expect((error as SubgraphFailure).kind).toBe("invalid-response");
    expect(calls).toBe(1);
  });

  it("opens the circuit after repeated failures and then answers circuit-open without calling", async () => {
    const policy = createFetchPolicy(policyOptions);
    const attempt = vi.fn(refused);
    await settle(policy.run(true, attempt)); // 3 attempts
    const { error } = await settle(policy.run(true, attempt)); // the 4th failure opens it; no more attempts
    expect(attempt).toHaveBeenCalledTimes(4);
    expect(error).toMatchObject({ kind: "circuit-open", code: "SERVICE_UNAVAILABLE", subgraph: "reviews" });
    expect(policy.breaker.state).toBe("open");
    const again = await settle(policy.run(true, attempt));
    expect(again.error).toMatchObject({ kind: "circuit-open" });
    expect(attempt).toHaveBeenCalledTimes(4);
  });

  it("hands every attempt the signal of the fetch's deadline", async () => {
    const policy = createFetchPolicy({ ...policyOptions, timeoutMs: 1234 });
    let received: AbortSignal | undefined;
    await settle(policy.run(true, async (signal) => (received = signal)));
    expect(received).toBeInstanceOf(AbortSignal);
    expect(received!.aborted).toBe(false);
  });

  it("never hands a later fetch the signal of one that timed out", async () => {
    const policy = createFetchPolicy({ ...policyOptions, timeoutMs: 50 });
    let timedOut: AbortSignal | undefined;
    const slow = policy.run(false, (signal) => {
      timedOut = signal;
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(new SubgraphFailure("reviews", "timeout", "it did not answer in time"))),
      );
    });
    const { error } = await settle(slow);
    expect((error as SubgraphFailure).kind).toBe("timeout");
    expect(timedOut!.aborted).toBe(true);
    const later: AbortSignal[] = [];
    for (let i = 0; i < 3; i++) await settle(policy.run(true, async (signal) => later.push(signal)));
    expect(later.every((signal) => !signal.aborted && signal !== timedOut)).toBe(true);
  });
});
