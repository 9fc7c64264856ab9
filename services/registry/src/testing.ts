import { createTestDatabase } from "@store/service-kit/testing";
import { loadRegistryConfig, migrationsDir, type RegistryConfig } from "./config.ts";
import { createRegistryServer } from "./server.ts";

/**
 * A registry on a fresh in-memory PGlite and a random port, configured through the same environment
 * variables and registry.yaml as a real one, with one known token per team and one for routers.
 */
export const TEST_TOKENS = {
  identity: "test-token-identity-0000",
  catalog: "test-token-catalog-00000",
  logistics: "test-token-logistics-000",
  community: "test-token-community-000",
  checkout: "test-token-checkout-0000",
  security: "test-token-security-0000",
  router: "test-token-router-000000",
  viewer: "test-token-viewer-000000",
} as const;

export interface TestRegistryOptions {
  /** Import supergraph.yaml as version 1 on start (default true). */
  importRepoSubgraphs?: boolean;
  overrides?: Partial<RegistryConfig>;
  now?: () => Date;
}

export async function startTestRegistry({ importRepoSubgraphs = true, overrides = {}, now }: TestRegistryOptions = {}) {
  const config = loadRegistryConfig(
    {
      PORT: "0",
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
      MIGRATE_ON_START: "false",
      IMPORT_ON_START: String(importRepoSubgraphs),
      REGISTRY_TOKEN_IDENTITY: TEST_TOKENS.identity,
      REGISTRY_TOKEN_CATALOG: TEST_TOKENS.catalog,
      REGISTRY_TOKEN_LOGISTICS: TEST_TOKENS.logistics,
      REGISTRY_TOKEN_COMMUNITY: TEST_TOKENS.community,
      REGISTRY_TOKEN_CHECKOUT: TEST_TOKENS.checkout,
      REGISTRY_TOKEN_SECURITY: TEST_TOKENS.security,
      REGISTRY_ROUTER_TOKEN: TEST_TOKENS.router,
      REGISTRY_VIEWER_TOKEN: TEST_TOKENS.viewer,
    },
    overrides,
  );
  const server = await createRegistryServer({ config, db: await createTestDatabase(migrationsDir), now });
  const running = await server.start();
  return { server, url: running.url, config, stop: () => server.stop() };
}

export type TestRegistry = Awaited<ReturnType<typeof startTestRegistry>>;
