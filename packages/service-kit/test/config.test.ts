import { describe, expect, it } from "vitest";
import { ConfigError, loadSubgraphConfig } from "../src/config.ts";

const SECRET = "a-test-signing-secret-of-forty-characters";
const SIGNED = { SUBGRAPH_SECRET_ORDERS: SECRET };

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
    expect(loadSubgraphConfig("orders", 4005, { NODE_ENV: "production", ...SIGNED })).toMatchObject({ migrateOnStart: false, seedOnStart: false });
    expect(loadSubgraphConfig("orders", 4005, { NODE_ENV: "production", MIGRATE_ON_START: "true", ...SIGNED }).migrateOnStart).toBe(true);
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

  describe("request signing", () => {
    it("requires signatures once the router's secret is set, and trusts the callers that have one of their own", () => {
      const { signing } = loadSubgraphConfig("inventory", 4003, {
        SUBGRAPH_SECRET_INVENTORY: SECRET,
        SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: `${SECRET}-orders`,
        // Secrets for other subgraphs' calls are not this subgraph's business.
        SUBGRAPH_SECRET_PRODUCTS: `${SECRET}-products`,
        SUBGRAPH_SECRET_PRODUCTS_FROM_ORDERS: `${SECRET}-po`,
      });
      expect(signing).toEqual({ mode: "required", credentials: { router: SECRET, orders: `${SECRET}-orders` }, maxAgeSeconds: 60 });
    });

    it("serves unsigned requests in development only while no secret is set", () => {
      expect(loadSubgraphConfig("inventory", 4003, {}).signing.mode).toBe("open");
      expect(loadSubgraphConfig("inventory", 4003, { SUBGRAPH_SIGNING: "off", SUBGRAPH_SECRET_INVENTORY: SECRET }).signing.mode).toBe("off");
    });

    it("refuses to start in production without the router's secret, unless signing is explicitly off", () => {
      expect(() => loadSubgraphConfig("inventory", 4003, { NODE_ENV: "production" })).toThrow(/SUBGRAPH_SECRET_INVENTORY: required in production/);
      expect(() => loadSubgraphConfig("inventory", 4003, { SUBGRAPH_SIGNING: "required" })).toThrow(/SUBGRAPH_SECRET_INVENTORY: required/);
      expect(loadSubgraphConfig("inventory", 4003, { NODE_ENV: "production", SUBGRAPH_SIGNING: "off" }).signing.mode).toBe("off");
    });

    it("refuses secrets too short to be secret, naming the variable, and a bad window", () => {
      const problems = (() => {
        try {
          loadSubgraphConfig("inventory", 4003, { SUBGRAPH_SECRET_INVENTORY: "short", SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: "also-short", SUBGRAPH_SIGNATURE_MAX_AGE_SECONDS: "0" });
        } catch (error) {
          return (error as ConfigError).problems.join("\n");
        }
        return "";
      })();
      expect(problems).toMatch(/SUBGRAPH_SECRET_INVENTORY: must be at least 32 characters/);
      expect(problems).toMatch(/SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: must be at least 32 characters/);
      expect(problems).toMatch(/SUBGRAPH_SIGNATURE_MAX_AGE_SECONDS/);
      expect(problems).not.toMatch(/short/);
    });
  });
});
