import type { Logger } from "@store/service-kit";
import type { RouterConfig } from "../config.ts";
import type { RouterMetrics } from "../metrics.ts";
import { createAuthenticationStage } from "./authentication/index.ts";
import { createCorsStage } from "./cors.ts";
import { createHeaderRulesStage } from "./header-rules.ts";
import { createPersistedOperationsStage } from "./persisted-operations/index.ts";
import { createRateLimitStage } from "./rate-limit/index.ts";
import { createDemandControlStage } from "./demand-control/index.ts";
import { createLimitsStage } from "./limits/index.ts";
import type { PolicyStage } from "./stage.ts";
import { createAuthorizationStage } from "./authorization/index.ts";
import { createClientConcurrencyStage } from "./client-concurrency/index.ts";
import { createClientErrorsStage } from "./client-errors.ts";
import { createSubgraphSigningStage } from "./subgraph-signing.ts";

export interface PolicyDeps {
  config: RouterConfig;
  logger: Logger;
  metrics?: RouterMetrics;
}

/**
 * The router's policy plane, in the order each request meets it. Each area lives in its own module
 * under policy/ and is configured by its own section of the router config.
 */
export async function createPolicyStages(deps: PolicyDeps): Promise<PolicyStage[]> {
  const { config, logger, metrics } = deps;
  const registry = metrics?.registry;
  const production = config.mode === "production";
  if (production && (config.rateLimit.enabled || config.clientConcurrency.enabled) && config.rateLimit.trustedProxies.length === 0) {
    logger.warn("rate limits and clientConcurrency count anonymous clients by socket address: behind a load balancer or proxy, list it in rateLimit.trustedProxies");
  }
  // Registered here, in request order: cors, authentication, client concurrency (needs the caller),
  // persisted operations, client errors, limits, demand control, rate limits, authorization,
  // subgraph request signing, header rules.
  const stages: (PolicyStage | undefined)[] = [
    createCorsStage(config.cors, production),
    createAuthenticationStage({ settings: config.authentication, logger }),
    createClientConcurrencyStage({ config: config.clientConcurrency, identity: config.rateLimit, registry }),
    await createPersistedOperationsStage({ config: config.persistedOperations, logger, registry }),
    createClientErrorsStage(),
    createLimitsStage({ config: config.limits, registry }),
    createDemandControlStage({ config: config.demandControl, logger, registry }),
    createRateLimitStage({ config: config.rateLimit, logger, registry }),
    createAuthorizationStage({ config: config.authorization, logger, registry }),
    createSubgraphSigningStage({ config: config.subgraphSigning, logger, production }),
    createHeaderRulesStage(config.headers),
  ];
  return stages.filter((stage): stage is PolicyStage => stage !== undefined);
}
