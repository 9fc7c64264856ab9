import { authenticationFeature } from "./authentication/feature.ts";
import { authorizationFeature } from "./authorization/feature.ts";
import { clientConcurrencyFeature } from "./client-concurrency/feature.ts";
import { clientErrorsFeature } from "./client-errors/feature.ts";
import { corsFeature } from "./cors/feature.ts";
import { csrfFeature } from "./csrf/feature.ts";
import { deferFeature } from "./defer/feature.ts";
import { demandControlFeature } from "./demand-control/feature.ts";
import { entityCacheFeature } from "./entity-cache/feature.ts";
import { failureResponseFeature } from "./failure-response/feature.ts";
import { fetchMetricsFeature } from "./fetch-metrics/feature.ts";
import { graphqlOverHttpFeature } from "./graphql-over-http/feature.ts";
import { headerRulesFeature } from "./header-rules/feature.ts";
import { httpCacheFeature } from "./http-cache/feature.ts";
import { limitsFeature } from "./limits/feature.ts";
import { persistedOperationsFeature } from "./persisted-operations/feature.ts";
import { rateLimitFeature } from "./rate-limit/feature.ts";
import { subgraphSigningFeature } from "./subgraph-signing/feature.ts";
import { subscriptionsFeature } from "./subscriptions/feature.ts";
import { trafficFeature } from "./traffic/feature.ts";

/** Every router feature. Their order is declared by each (after/before) and sorted by features/order.ts. */
export const FEATURES = [
  authenticationFeature,
  authorizationFeature,
  clientConcurrencyFeature,
  clientErrorsFeature,
  corsFeature,
  csrfFeature,
  deferFeature,
  demandControlFeature,
  entityCacheFeature,
  failureResponseFeature,
  fetchMetricsFeature,
  graphqlOverHttpFeature,
  headerRulesFeature,
  httpCacheFeature,
  limitsFeature,
  persistedOperationsFeature,
  rateLimitFeature,
  subgraphSigningFeature,
  subscriptionsFeature,
  trafficFeature,
] as const;
