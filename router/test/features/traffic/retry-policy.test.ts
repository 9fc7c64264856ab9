import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay, withRetries } from "../../../src/features/traffic/retry-policy.ts";

const options = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 300 };

describe("backoffDelay", () => {
  it("draws uniformly below a cap that doubles per retry and stops at the maximum (full jitter)", () => {
    expect(backoffDelay(1, options, () => 0.999)).toBe(99);
    expect(backoffDelay(2, options, () => 0.999)).toBe(199);
    expect(backoffDelay(3, options, () => 0.999)).toBe(299);
    expect(backoffDelay(9, options, () => 0.5)).toBe(150);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});

describe("withRetries", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("retries a retryable failure after the backoff and returns the first success", async () => {
    const attempts: number[] = [];
    const result = withRetries(
      async (n) => {
        attempts.push(Date.now());
        if (n < 3) throw new Error("refused");
        return "ok";
      },
      { ...options, deadline: Date.now() + 10_000, shouldRetry: () => true, random: () => 0.5 },
    );
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("ok");
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBe(50);
    expect(attempts[2]! - attempts[1]!).toBe(100);
  });

  it("gives up after maxAttempts with the last failure", async () => {
    let calls = 0;
    const result = withRetries(
      async () => {
        calls++;
        throw new Error(`failure ${calls}`);
      },
      { ...options, deadline: Date.now() + 10_000, shouldRetry: () => true },
    );
    const settled = expect(result).rejects.toThrow("failure 3");
    await vi.runAllTimersAsync();
    await settled;
    expect(calls).toBe(3);
  });

  it("never retries a failure the caller calls final (a mutation, say)", async () => {
    let calls = 0;
    const result = withRetries(
      async () => {
        calls++;
        throw new Error("no");
      },
      { ...options, deadline: Date.now() + 10_000, shouldRetry: () => false },
    );
    await expect(result).rejects.toThrow("no");
    expect(calls).toBe(1);
  });

  it("does not start a retry whose backoff would end past the deadline", async () => {
    let calls = 0;
    const start = Date.now();
    const result = withRetries(
      async () => {
        calls++;
        throw new Error("slow");
      },
      { ...options, deadline: start + 60, shouldRetry: () => true, random: () => 0.999 },
    );
    const settled = expect(result).rejects.toThrow("slow");
    await vi.runAllTimersAsync();
    await settled;
    // The first backoff (99 ms) would end after the deadline (60 ms): one attempt only, answered at once.
    expect(calls).toBe(1);
    expect(Date.now() - start).toBe(0);
  });
});
