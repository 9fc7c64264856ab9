import { defineConfig } from "vitest/config";

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
        test: {
          name: "unit",
          include: ["{packages,subgraphs,services,router}/*/test/**/*.test.ts", "router/test/**/*.test.ts", "tests/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "int",
          include: ["{packages,subgraphs,services,router}/**/test/**/*.int.test.ts", "tests/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
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
