import type { TestProject } from "vitest/node";
import { buildExplorer, explorerBuildIsStale } from "@store/router/explorer-build";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { redisForTests, requireChromium, type RedisForTests } from "../support/prerequisites.ts";

let stack: TestStack | undefined;
let redis: RedisForTests | undefined;

/** One stack for all end-to-end files: starting five seeded services per file would dominate the run. */
export async function setup(project: TestProject) {
  // What npm does not install is checked first: a missing one stops the run with one line.
  // Chromium only when the run includes the explorer's browser test (a targeted run of other files needs none).
  if (runsFile(project, "explorer.e2e") || runsFile(project, "console.e2e")) requireChromium();
  redis = await redisForTests();
  project.provide("redisUrl", redis.url);
  // The router serves the explorer's last build: an edited example or page is rebuilt first.
  if (explorerBuildIsStale()) await buildExplorer();
  stack = await startTestStack();
  project.provide("routerUrl", stack.routerUrl);
  project.provide("subgraphUrls", stack.subgraphUrls);
  project.provide("supergraphPath", stack.supergraphPath);
  project.provide("signingEnv", stack.signingEnv);
}

/** Whether this run's file filters (none: every file) include `name`. Reads vitest 4's CLI file filters (an internal field; absent, the check runs). */
function runsFile(project: TestProject, name: string): boolean {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  return (
    !filters?.length ||
    filters.some((filter) => filter.includes(name) || name.includes(filter.replace(/^.*\//, "").replace(/\.test\.ts$/, "")))
  );
}

export async function teardown() {
  await stack?.teardown();
  await redis?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    routerUrl: string;
    subgraphUrls: Record<string, string>;
    supergraphPath: string;
    /** The stack's SUBGRAPH_SECRET_* variables, for a router started in a test and for signing requests by hand. */
    signingEnv: Record<string, string>;
    /** A Redis that answers: E2E_REDIS_URL or 127.0.0.1:6379, else a throwaway redis-server started for the run. */
    redisUrl: string;
  }
}
