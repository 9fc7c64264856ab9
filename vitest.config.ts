import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

/**
 * One graphql for everything: Vite resolves `graphql` to its ES module build, while the packages
 * Node loads (@apollo/gateway, @apollo/server) get the CommonJS one, and graphql refuses to mix
 * schemas and types of two instances. Pointing the bare import at the CommonJS entry lets tests run
 * Apollo Server over a real gateway
 * (and in-process routers in e2e tests) with plugins that use graphql themselves.
 */
const oneGraphql = { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve("graphql") }] };

/**
 * Test suffixes choose the project: `*.test.ts` no I/O, `*.int.test.ts` a real (PGlite) database
 * per file, `*.e2e.test.ts` real processes through the router.
 */
export default defineConfig({
  test: {
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
    projects: [
      {
        resolve: oneGraphql,
        test: {
          name: "unit",
          include: ["{packages,subgraphs,services,router,examples}/*/test/**/*.test.ts", "router/test/**/*.test.ts", "tests/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"],
        },
      },
      {
        resolve: oneGraphql,
        test: {
          name: "int",
          include: ["{packages,subgraphs,services,router}/**/test/**/*.int.test.ts", "tests/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: oneGraphql,
        test: {
          name: "e2e",
          include: ["tests/**/*.e2e.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
