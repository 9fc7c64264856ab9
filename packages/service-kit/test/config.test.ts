import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, envCoercers, loadSubgraphConfig } from "../src/config.ts";

const SECRET = "a-test-signing-secret-of-forty-characters";
const PUBLIC_KEY = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" }).toString("base64");
const SIGNED = { SUBGRAPH_SECRET_ORDERS: SECRET, ROUTER_CLAIMS_PUBLIC_KEY: PUBLIC_KEY };

describe("subgraph config", () => {
  it("defaults to development: migrate and seed on start, embedded database", () => {
    const config = loadSubgraphConfig("reviews", 4004, {});
    expect(config).toMatchObject({ port: 4004, production: false, migrateOnStart: true, seedOnStart: true, databaseUrl: undefined });
  });

  it("reads the service's own database URL variable", () => {
    const config = loadSubgraphConfig("reviews", 4004, {
      REVIEWS_DATABASE_URL: "postgres://db/reviews",
      ACCOUNTS_DATABASE_URL: "postgres://db/accounts",
    });
    expect(config.databaseUrl).toBe("postgres://db/reviews");
  });

  it("does not migrate or seed on start in production unless asked", () => {
    expect(loadSubgraphConfig("orders", 4005, { NODE_ENV: "production", ...SIGNED })).toMatchObject({
      migrateOnStart: false,
      seedOnStart: false,
    });
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
        ROUTER_CLAIMS_PUBLIC_KEY: PUBLIC_KEY,
        // Secrets for other subgraphs' calls are not this subgraph's business.
        SUBGRAPH_SECRET_PRODUCTS: `${SECRET}-products`,
        SUBGRAPH_SECRET_PRODUCTS_FROM_ORDERS: `${SECRET}-po`,
      });
      expect(signing).toEqual({
        mode: "required",
        credentials: { router: SECRET, orders: `${SECRET}-orders` },
        maxAgeSeconds: 60,
        claimsPublicKey: PUBLIC_KEY,
        replayRedisUrl: undefined,
      });
    });

    it("refuses a secret for a service call that service-calls.ts does not declare", () => {
      // reviews may call accounts, but nobody may call orders, and products may not call inventory.
      expect(() => loadSubgraphConfig("orders", 4005, { ...SIGNED, SUBGRAPH_SECRET_ORDERS_FROM_PRODUCTS: `${SECRET}-po` })).toThrow(
        /SUBGRAPH_SECRET_ORDERS_FROM_PRODUCTS: orders accepts no calls from that service/,
      );
      expect(() =>
        loadSubgraphConfig("inventory", 4003, {
          SUBGRAPH_SECRET_INVENTORY: SECRET,
          ROUTER_CLAIMS_PUBLIC_KEY: PUBLIC_KEY,
          SUBGRAPH_SECRET_INVENTORY_FROM_ACCOUNTS: `${SECRET}-ai`,
        }),
      ).toThrow(ConfigError);
      const accounts = loadSubgraphConfig("accounts", 4001, {
        SUBGRAPH_SECRET_ACCOUNTS: SECRET,
        ROUTER_CLAIMS_PUBLIC_KEY: PUBLIC_KEY,
        SUBGRAPH_SECRET_ACCOUNTS_FROM_REVIEWS: `${SECRET}-ra`,
      });
      expect(Object.keys(accounts.signing.credentials)).toEqual(["router", "reviews"]);
    });

    it("needs the router's public claims key whenever requests are signed, and an Ed25519 one", () => {
      expect(() => loadSubgraphConfig("orders", 4005, { SUBGRAPH_SECRET_ORDERS: SECRET })).toThrow(
        /ROUTER_CLAIMS_PUBLIC_KEY: required while requests are signed/,
      );
      expect(() => loadSubgraphConfig("orders", 4005, { NODE_ENV: "production", SUBGRAPH_SECRET_ORDERS: SECRET })).toThrow(
        /ROUTER_CLAIMS_PUBLIC_KEY: required in production/,
      );
      expect(() => loadSubgraphConfig("orders", 4005, { ...SIGNED, ROUTER_CLAIMS_PUBLIC_KEY: "bm90IGEga2V5" })).toThrow(
        /Ed25519 public key/,
      );
      expect(loadSubgraphConfig("orders", 4005, { SUBGRAPH_SIGNING: "off", SUBGRAPH_SECRET_ORDERS: SECRET }).signing.mode).toBe("off");
    });

    it("serves unsigned requests in development only while no secret is set", () => {
      expect(loadSubgraphConfig("inventory", 4003, {}).signing.mode).toBe("open");
      expect(loadSubgraphConfig("inventory", 4003, { SUBGRAPH_SIGNING: "off", SUBGRAPH_SECRET_INVENTORY: SECRET }).signing.mode).toBe(
        "off",
      );
    });

    it("refuses to start in production without the router's secret, unless signing is explicitly off", () => {
      expect(() => loadSubgraphConfig("inventory", 4003, { NODE_ENV: "production" })).toThrow(
        /SUBGRAPH_SECRET_INVENTORY: required in production/,
      );
      expect(() => loadSubgraphConfig("inventory", 4003, { SUBGRAPH_SIGNING: "required", ROUTER_CLAIMS_PUBLIC_KEY: PUBLIC_KEY })).toThrow(
        /SUBGRAPH_SECRET_INVENTORY: required/,
      );
      expect(loadSubgraphConfig("inventory", 4003, { NODE_ENV: "production", SUBGRAPH_SIGNING: "off" }).signing.mode).toBe("off");
    });

    it("refuses secrets too short to be secret, naming the variable, and a bad window", () => {
      const problems = (() => {
        try {
          loadSubgraphConfig("inventory", 4003, {
            SUBGRAPH_SECRET_INVENTORY: "short",
            SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: "also-short",
            SUBGRAPH_SIGNATURE_MAX_AGE_SECONDS: "0",
          });
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

describe("env coercers", () => {
  it("turn env strings into numbers and booleans, and leave anything else for the schema to refuse", () => {
    expect([envCoercers.integer("4000"), envCoercers.integer(" -3 "), envCoercers.integer("1.5"), envCoercers.integer("eighty")]).toEqual([
      4000,
      -3,
      "1.5",
      "eighty",
    ]);
    expect([envCoercers.decimal("0.25"), envCoercers.decimal("2"), envCoercers.decimal("1e3")]).toEqual([0.25, 2, "1e3"]);
    expect(["true", "1", "false", "0", "yes"].map(envCoercers.boolean)).toEqual([true, true, false, false, "yes"]);
  });
});
