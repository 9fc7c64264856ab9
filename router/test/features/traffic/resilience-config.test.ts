import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@store/service-kit";
import { loadRouterConfig } from "../../../src/config.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "router-resilience-"));
const withFile = (text: string) => {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return loadRouterConfig({ flags: { config: file }, env: {}, cwd: dir });
};

describe("router config: retries and circuit breakers", () => {
  it("has defaults for every threshold", () => {
    const { traffic } = loadRouterConfig({ env: {}, cwd: dir });
    expect(traffic.retry).toEqual({ maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 500 });
    expect(traffic.circuitBreaker).toEqual({
      enabled: true,
      consecutiveFailures: 5,
      failureRate: 0.5,
      failureRateWindow: 20,
      openMs: 2000,
    });
  });

  it("takes per-subgraph overrides key by key", () => {
    const config = withFile(
      "traffic:\n  retry:\n    maxAttempts: 4\nsubgraphs:\n  reviews:\n    retry: { maxAttempts: 1 }\n    circuitBreaker: { openMs: 500 }\n",
    );
    expect(config.traffic.retry.maxAttempts).toBe(4);
    expect(config.subgraphs.reviews).toEqual({ retry: { maxAttempts: 1 }, circuitBreaker: { openMs: 500 } });
  });

  it("rejects bad thresholds and unknown keys, naming each", () => {
    let problems: string[] = [];
    try {
      withFile(
        "traffic:\n  retry:\n    maxAttempts: 0\n    jitter: full\n  circuitBreaker:\n    failureRate: 1.5\nsubgraphs:\n  reviews:\n    circuitBreaker: { openMs: -1 }\n",
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    const text = problems.join("\n");
    expect(text).toMatch(/traffic\.retry\.maxAttempts/);
    expect(text).toMatch(/traffic\.retry: .*jitter/);
    expect(text).toMatch(/traffic\.circuitBreaker\.failureRate/);
    expect(text).toMatch(/subgraphs\.reviews\.circuitBreaker\.openMs/);
  });
});
