import type { TestProject } from "vitest/node";
import { buildExplorer, explorerBuildIsStale } from "@store/router/explorer-build";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

let stack: TestStack | undefined;

/** One stack for all end-to-end files: starting five seeded services per file would dominate the run. */
export async function setup(project: TestProject) {
  // The router serves the explorer's last build: an edited example or page is rebuilt first.
  if (explorerBuildIsStale()) await buildExplorer();
  stack = await startTestStack();
  project.provide("routerUrl", stack.routerUrl);
  project.provide("subgraphUrls", stack.subgraphUrls);
  project.provide("supergraphPath", stack.supergraphPath);
  project.provide("signingEnv", stack.signingEnv);
}

export async function teardown() {
  await stack?.teardown();
}

declare module "vitest" {
  export interface ProvidedContext {
    routerUrl: string;
    subgraphUrls: Record<string, string>;
    supergraphPath: string;
    /** The stack's SUBGRAPH_SECRET_* variables, for a router started in a test and for signing requests by hand. */
    signingEnv: Record<string, string>;
  }
}
