import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CircuitOpenError, createCircuitBreaker, type CircuitBreakerOptions } from "../../../src/features/traffic/circuit-breaker.ts";

const options: CircuitBreakerOptions = { enabled: true, consecutiveFailures: 3, failureRate: 0.5, failureRateWindow: 10, openMs: 1000 };
const down = () => Promise.reject(new Error("down"));
const up = () => Promise.resolve("up");
const counts = () => true;

async function fail(breaker: ReturnType<typeof createCircuitBreaker>, times: number) {
  for (let i = 0; i < times; i++) await breaker.execute(down).catch(() => undefined);
}

describe("circuit breaker", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("opens after N consecutive failures and then fails fast without calling", async () => {
    const breaker = createCircuitBreaker(options, counts);
    await fail(breaker, 2);
    expect(breaker.state).toBe("closed");
    await fail(breaker, 1);
    expect(breaker.state).toBe("open");
    const call = vi.fn(up);
    await expect(breaker.execute(call)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(call).not.toHaveBeenCalled();
  });

  it("a success in between resets the consecutive count", async () => {
    const breaker = createCircuitBreaker({ ...options, failureRateWindow: 100 }, counts);
    await fail(breaker, 2);
    await breaker.execute(up);
    await fail(breaker, 2);
    expect(breaker.state).toBe("closed");
  });

  it("opens on the failure rate when failures alternate with successes", async () => {
    const breaker = createCircuitBreaker({ ...options, consecutiveFailures: 100, failureRateWindow: 10 }, counts);
    for (let i = 0; i < 4; i++) {
      await fail(breaker, 1);
      await breaker.execute(up);
    }
    expect(breaker.state).toBe("closed"); // 8 calls: the window is not full yet
    await fail(breaker, 1);
    await fail(breaker, 1); // 10 calls, 6 failed: more than half
    expect(breaker.state).toBe("open");
  });

  it("after openMs lets one probe through: success closes the circuit", async () => {
    const breaker = createCircuitBreaker(options, counts);
    await fail(breaker, 3);
    vi.advanceTimersByTime(999);
    await expect(breaker.execute(up)).rejects.toBeInstanceOf(CircuitOpenError);
    vi.advanceTimersByTime(1);
    await expect(breaker.execute(up)).resolves.toBe("up");
    expect(breaker.state).toBe("closed");
  });

  it("a failed probe opens it again for another openMs", async () => {
    const breaker = createCircuitBreaker(options, counts);
    await fail(breaker, 3);
    vi.advanceTimersByTime(1000);
    await expect(breaker.execute(down)).rejects.toThrow("down");
    expect(breaker.state).toBe("open");
    await expect(breaker.execute(up)).rejects.toBeInstanceOf(CircuitOpenError);
    vi.advanceTimersByTime(1000);
    await expect(breaker.execute(up)).resolves.toBe("up");
  });

  it("while the probe runs, other calls fail fast instead of waiting for it", async () => {
    const breaker = createCircuitBreaker(options, counts);
    await fail(breaker, 3);
    vi.advanceTimersByTime(1000);
    let finishProbe!: (value: string) => void;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (finishProbe = resolve)));
    expect(breaker.state).toBe("half-open");
    const other = vi.fn(up);
    await expect(breaker.execute(other)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(other).not.toHaveBeenCalled();
    finishProbe("probed");
    await expect(probe).resolves.toBe("probed");
    expect(breaker.state).toBe("closed");
  });

  it("ignores errors that do not speak of the subgraph's health", async () => {
    const breaker = createCircuitBreaker(options, (error) => error.message === "down");
    for (let i = 0; i < 5; i++) await breaker.execute(() => Promise.reject(new Error("bad input"))).catch(() => undefined);
    expect(breaker.state).toBe("closed");
  });

  it("reports state changes", async () => {
    const breaker = createCircuitBreaker(options, counts);
    const states: string[] = [];
    breaker.onStateChange((state) => states.push(state));
    await fail(breaker, 3);
    vi.advanceTimersByTime(1000);
    await breaker.execute(up);
    expect(states).toEqual(["open", "half-open", "closed"]);
  });

  it("when disabled, every call passes", async () => {
    const breaker = createCircuitBreaker({ ...options, enabled: false }, counts);
    await fail(breaker, 10);
    await expect(breaker.execute(up)).resolves.toBe("up");
  });
});
