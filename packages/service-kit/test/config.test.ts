import { describe, expect, it } from "vitest";
import { ConfigError, loadSubgraphConfig } from "../src/config.ts";

describe("subgraph config", () => {
  it("defaults to development: migrate and seed on start, embedded database", () => {
    const config = loadSubgraphConfig("reviews", 4004, {});
    expect(config).toMatchObject({ port: 4004, production: false, migrateOnStart: true, seedOnStart: true, databaseUrl: undefined });
  });

  it("reads the service's own database URL variable", () => {
    const config = loadSubgraphConfig("reviews", 4004, { REVIEWS_DATABASE_URL: "postgres://db/reviews", ACCOUNTS_DATABASE_URL: "postgres://db/accounts" });
    expect(config.databaseUrl).toBe("postgres://db/reviews");
  });

  it("does not migrate or seed on start in production unless asked", () => {
    expect(loadSubgraphConfig("orders", 4005, { NODE_ENV: "production" })).toMatchObject({ migrateOnStart: false, seedOnStart: false });
    expect(loadSubgraphConfig("orders", 4005, { NODE_ENV: "production", MIGRATE_ON_START: "true" }).migrateOnStart).toBe(true);
    expect(loadSubgraphConfig("orders", 4005, { SEED_ON_START: "false" }).seedOnStart).toBe(false);
  });

  it("gives in-flight requests a shutdown grace period, 10 s unless SHUTDOWN_GRACE_MS says otherwise", () => {
    expect(loadSubgraphConfig("orders", 4005, {}).shutdownGraceMs).toBe(10_000);
    expect(loadSubgraphConfig("orders", 4005, { SHUTDOWN_GRACE_MS: "2500" }).shutdownGraceMs).toBe(2500);
    expect(() => loadSubgraphConfig("orders", 4005, { SHUTDOWN_GRACE_MS: "-1" })).toThrow(/SHUTDOWN_GRACE_MS/);
  });

  it("lists every invalid value", () => {
    try {
      loadSubgraphConfig("orders", 4005, { PORT: "99999", NODE_ENV: "staging", SEED_ON_START: "maybe" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/NODE_ENV/);
      expect(problems).toMatch(/SEED_ON_START/);
    }
  });
});
