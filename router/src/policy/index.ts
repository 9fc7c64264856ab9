import type { Logger } from "@store/service-kit";
import type { RouterConfig } from "../config.ts";
import type { RouterMetrics } from "../metrics.ts";
import type { PolicyStage } from "./stage.ts";
import { createAuthenticationStage } from "./authentication/index.ts";

export interface PolicyDeps {
  config: RouterConfig;
  logger: Logger;
  metrics?: RouterMetrics;
}

/**
 * The router's policy plane, in the order each request meets it. Each area lives in its own module
 * under policy/ and is configured by its own section of the router config.
 */
export async function createPolicyStages({ config, logger }: PolicyDeps): Promise<PolicyStage[]> {
  const stages: PolicyStage[] = [
    createAuthenticationStage({ settings: config.authentication, logger }),
  ];
  // Registered here, in request order: cors, authentication, persisted operations, limits,
  // demand control, rate limits, authorization, subgraph request signing, header rules.
  return stages;
}
