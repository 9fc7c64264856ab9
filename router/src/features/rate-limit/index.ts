import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextDidResolveOperation } from "@apollo/server";
import { Counter, Gauge, type Registry } from "prom-client";
import { ErrorCode, codedError } from "@store/wire";
import type { Logger } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";
import { memoryBudgetStore, redisBudgetStore, type BudgetStore } from "./budget-store.ts";
import type { RateLimitConfig } from "./config.ts";
import { identityResolver } from "./identity.ts";
import { budgetRules } from "./rules.ts";

export interface RateLimitDeps {
  config: RateLimitConfig;
  logger: Logger;
  registry?: Registry;
}

function rateLimitMetrics(registry: Registry | undefined) {
  const registers = registry ? [registry] : [];
  return {
    rejections: new Counter({
      name: "rate_limit_rejections_total",
      help: "Operations refused with RATE_LIMITED, by identity kind (user, apiKey, ip) and the budget spent (default, identity:ip, operation:<name>...)",
      labelNames: ["identity_kind", "rule"],
      registers,
    }),
    storeErrors: new Counter({
      name: "rate_limit_store_errors_total",
      help: "Rate limit checks the shared store (Redis) could not answer; they were counted in the router's memory instead",
      registers,
    }),
    storeUp: new Gauge({
      name: "rate_limit_store_up",
      help: "1 while the shared rate limit store (Redis) answers, 0 while the router counts in memory",
      registers,
    }),
  };
}

/**
 * `rateLimit`: each operation spends from its identity's budget once it is resolved (so its name
 * and root fields are known), before anything is planned or executed. Over budget: HTTP 429,
 * RATE_LIMITED, Retry-After. Disabled: no hooks at all.
 */
export function createRateLimitHooks({ config, logger, registry }: RateLimitDeps): FeatureHooks | undefined {
  if (!config.enabled) return undefined;
  const metrics = rateLimitMetrics(registry);
  const rules = budgetRules(config);
  const store: BudgetStore =
    config.backend === "redis"
      ? redisBudgetStore(rules.budgets, {
          url: config.redisUrl!,
          keyPrefix: config.redis.keyPrefix,
          commandTimeoutMs: config.redis.commandTimeoutMs,
          logger,
          events: { storeError: () => metrics.storeErrors.inc(), storeUp: (up) => metrics.storeUp.set(up ? 1 : 0) },
        })
      : memoryBudgetStore(rules.budgets);
  const identify = identityResolver({
    apiKeyHeader: config.apiKeyHeader,
    apiKeys: new Map(config.apiKeys.map((key) => [key.sha256, key.name])),
    trustedProxies: config.trustedProxies,
  });

  const listener = {
    async didResolveOperation({
      contextValue,
      operation,
      operationName,
      document,
      schema,
    }: GraphQLRequestContextDidResolveOperation<RouterContext>) {
      if (!operation) return; // Apollo has already refused a request without a resolvable operation
      const identity = identify(contextValue);
      const picked = rules.pick(identity, { name: operationName, operation, document, schema });
      const spends = await Promise.all(picked.map((rule) => store.spend(rule, `${identity.kind}:${identity.key}`)));
      const refused = spends.findIndex((spend) => !spend.allowed);
      if (refused === -1) return;
      const rule = picked[refused]!;
      const resetMs = Math.max(...spends.filter((spend) => !spend.allowed).map((spend) => spend.resetMs));
      const retryAfterSeconds = Math.max(1, Math.ceil(resetMs / 1000));
      const budget = rules.budgets.get(rule)!;
      metrics.rejections.inc({ identity_kind: identity.kind, rule });
      throw codedError(ErrorCode.RATE_LIMITED, `Too many requests: retry in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
        limit: { requests: budget.requests, windowSeconds: budget.windowSeconds },
        http: { status: 429, headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]) },
      });
    },
  };
  // One listener for every request: nothing is allocated per request until a budget is spent.
  const plugin: ApolloServerPlugin<RouterContext> = { requestDidStart: async () => listener };
  return { operation: [plugin], close: () => store.close() };
}
