import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSchema, parse, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@store/service-kit";
import { loadRouterConfig } from "../../../src/config.ts";
import type { RouterContext } from "../../../src/context.ts";
import { memoryBudgetStore } from "../../../src/features/rate-limit/budget-store.ts";
import { rateLimitConfigSchema } from "../../../src/features/rate-limit/config.ts";
import { clientAddressResolver, identityResolver, sha256Hex } from "../../../src/features/rate-limit/identity.ts";
import { budgetRules } from "../../../src/features/rate-limit/rules.ts";

const context = (over: Partial<RouterContext> = {}): RouterContext => ({
  requestId: "r1",
  caller: null,
  tokenClaims: null,
  clientHeaders: {},
  clientIp: "127.0.0.1",
  responseHeaders: new Map(),
  ...over,
});

describe("client identity", () => {
  const identify = identityResolver({
    apiKeyHeader: "x-api-key",
    apiKeys: new Map([[sha256Hex("partner-secret"), "partner-a"]]),
    trustedProxies: [],
  });

  it("is the user from the token first, then a known API key, then the address", () => {
    expect(
      identify(context({ caller: { id: "usr_0001", scopes: [], roles: [] }, clientHeaders: { "x-api-key": "partner-secret" } })),
    ).toEqual({ kind: "user", key: "usr_0001" });
    expect(identify(context({ clientHeaders: { "x-api-key": "partner-secret" } }))).toEqual({ kind: "apiKey", key: "partner-a" });
    expect(identify(context({ clientIp: "::ffff:10.1.2.3" }))).toEqual({ kind: "ip", key: "10.1.2.3" });
  });

  it("ignores API keys it does not know, so a client cannot mint fresh budgets", () => {
    expect(identify(context({ clientHeaders: { "x-api-key": "made-up-1" } }))).toEqual({ kind: "ip", key: "127.0.0.1" });
  });

  it("never keeps the raw key: the identity is the key's configured name", () => {
    expect(JSON.stringify(identify(context({ clientHeaders: { "x-api-key": "partner-secret" } })))).not.toContain("partner-secret");
  });
});

describe("client address behind proxies", () => {
  it("ignores X-Forwarded-For unless the peer is a trusted proxy", () => {
    const address = clientAddressResolver(["10.0.0.0/8"]);
    expect(address("203.0.113.9", "198.51.100.1")).toBe("203.0.113.9");
    expect(address("10.0.0.5", "198.51.100.1")).toBe("198.51.100.1");
    expect(clientAddressResolver([])("10.0.0.5", "198.51.100.1")).toBe("10.0.0.5");
  });

  it("takes the nearest untrusted hop, not what the client wrote further left", () => {
    const address = clientAddressResolver(["10.0.0.0/8", "::1"]);
    expect(address("10.0.0.5", "1.1.1.1, 198.51.100.1, 10.0.0.7")).toBe("198.51.100.1");
    expect(address("::1", ["198.51.100.2", "10.0.0.9"])).toBe("198.51.100.2");
    expect(address("10.0.0.5", "garbage, 10.0.0.7")).toBe("10.0.0.7");
  });
});

describe("budget rules", () => {
  const schema = buildSchema(`type Query { products: [String] product: String } type Mutation { placeOrder: String cancelOrder: String }`);
  const info = (source: string) => {
    const document = parse(source);
    const operation = document.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode;
    return { name: operation.name?.value ?? null, operation, document, schema };
  };
  const rules = budgetRules(
    rateLimitConfigSchema.parse({
      default: { requests: 100, windowSeconds: 60 },
      identities: { ip: { requests: 20, windowSeconds: 60 } },
      apiKeys: [{ name: "partner-a", sha256: sha256Hex("k"), budget: { requests: 1000, windowSeconds: 60 } }],
      operations: { ProductPage: { requests: 10, windowSeconds: 60 }, "Mutation.placeOrder": { requests: 2, windowSeconds: 60 } },
    }),
  );
  const user = { kind: "user", key: "usr_0001" } as const;

  it("uses an operation's own budget by name, and by root field whatever the operation is called", () => {
    expect(rules.pick(user, info("query ProductPage { product }"))).toEqual(["operation:ProductPage"]);
    expect(rules.pick(user, info("mutation Innocent { placeOrder }"))).toEqual(["operation:Mutation.placeOrder"]);
    expect(rules.pick(user, info("mutation M { ...F } fragment F on Mutation { ... on Mutation { placeOrder } }"))).toEqual([
      "operation:Mutation.placeOrder",
    ]);
  });

  it("falls back to the key's, then the identity kind's, then the default budget", () => {
    expect(rules.pick({ kind: "apiKey", key: "partner-a" }, info("{ products }"))).toEqual(["apiKey:partner-a"]);
    expect(rules.pick({ kind: "ip", key: "127.0.0.1" }, info("{ products }"))).toEqual(["identity:ip"]);
    expect(rules.pick(user, info("{ products }"))).toEqual(["default"]);
    expect(rules.pick(user, info("mutation { cancelOrder }"))).toEqual(["default"]);
  });
});

describe("memory budget store", () => {
  it("allows the budget, then refuses with the time left in the window, per identity", async () => {
    const store = memoryBudgetStore(new Map([["default", { requests: 2, windowSeconds: 30 }]]));
    expect((await store.spend("default", "ip:a")).allowed).toBe(true);
    expect((await store.spend("default", "ip:a")).allowed).toBe(true);
    const refused = await store.spend("default", "ip:a");
    expect(refused.allowed).toBe(false);
    expect(refused.resetMs).toBeGreaterThan(29_000);
    expect(refused.resetMs).toBeLessThanOrEqual(30_000);
    expect((await store.spend("default", "ip:b")).allowed).toBe(true);
  });
});

describe("rateLimit config", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rate-limit-config-"));
  const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
    const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return loadRouterConfig({ env, cwd: dir, flags: { config: file } });
  };
  const problems = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.join("\n");
    }
    throw new Error("expected a ConfigError");
  };

  it("is off by default and costs nothing", () => {
    expect(loadRouterConfig({ env: {}, cwd: dir }).rateLimit.enabled).toBe(false);
  });

  it("takes the Redis URL from the environment only, and says so when it is missing", () => {
    expect(problems(() => load("rateLimit: { enabled: true, backend: redis }"))).toMatch(/RATE_LIMIT_REDIS_URL/);
    expect(
      problems(() =>
        load("rateLimit: { enabled: true, backend: redis, redisUrl: redis://x }", { RATE_LIMIT_REDIS_URL: "redis://127.0.0.1:6379" }),
      ),
    ).toMatch(/redisUrl/);
    expect(
      load("rateLimit: { enabled: true, backend: redis }", { RATE_LIMIT_REDIS_URL: "redis://127.0.0.1:6379" }).rateLimit.redisUrl,
    ).toBe("redis://127.0.0.1:6379");
  });

  it("lists every bad key with its place", () => {
    const listed = problems(() =>
      load(`rateLimit:
  enabled: true
  trustedProxies: [10.0.0.0/33, not-an-ip]
  operations: { "bad name!": { requests: 1, windowSeconds: 1 } }
  default: { requests: 0, windowSeconds: 60 }
  apiKeys: [{ name: a, sha256: abc }]`),
    );
    expect(listed).toMatch(/rateLimit\.trustedProxies\.0/);
    expect(listed).toMatch(/rateLimit\.trustedProxies\.1/);
    expect(listed).toMatch(/rateLimit\.operations\.bad name!/);
    expect(listed).toMatch(/rateLimit\.default\.requests/);
    expect(listed).toMatch(/rateLimit\.apiKeys\.0\.sha256/);
  });
});
