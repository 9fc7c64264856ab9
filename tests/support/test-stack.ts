import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startStack, type RunningStack } from "@store/stack";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SUBGRAPHS = ["accounts", "products", "inventory", "reviews", "orders"] as const;
/** The HS256 secret the test stack's accounts signs login tokens with and its router verifies; tests mint tokens with it. */
export const TEST_JWT_SECRET = "e2e-test-secret-do-not-use-elsewhere-0123456789";

/**
 * Which database the end-to-end stack runs on: E2E_DATABASE=postgres gives every subgraph its own
 * fresh database on the PostgreSQL server at E2E_POSTGRES_URL; anything else, fresh PGlite dirs.
 */
export function e2eDatabaseKind(): "pglite" | "postgres" {
  return process.env.E2E_DATABASE === "postgres" ? "postgres" : "pglite";
}

async function freshPostgresDatabases(runId: string): Promise<Record<string, NodeJS.ProcessEnv>> {
  const adminUrl = process.env.E2E_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const env: Record<string, NodeJS.ProcessEnv> = {};
  try {
    for (const name of SUBGRAPHS) {
      const database = `store_e2e_${runId}_${name}`;
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${database}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      env[name] = { [`${name.toUpperCase()}_DATABASE_URL`]: url.toString() };
    }
  } finally {
    await admin.end();
  }
  return env;
}

export async function dropPostgresDatabases(runId: string): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.E2E_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  try {
    for (const name of SUBGRAPHS) await admin.query(`DROP DATABASE IF EXISTS "store_e2e_${runId}_${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export interface TestStack extends RunningStack {
  runId: string;
  logDir: string;
  teardown(): Promise<void>;
}

/** Starts all five subgraphs and the router as real processes on free ports, seeded, for one test run. */
export async function startTestStack(
  options: { routerArgs?: string[]; env?: NodeJS.ProcessEnv; withRouter?: boolean } = {},
): Promise<TestStack> {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const workDir = mkdtempSync(path.join(os.tmpdir(), "store-e2e-"));
  const logDir = path.join(repoRoot, "test-results", "e2e-logs", runId);
  const kind = e2eDatabaseKind();
  const subgraphEnv =
    kind === "postgres"
      ? await freshPostgresDatabases(runId)
      : Object.fromEntries(SUBGRAPHS.map((name) => [name, { [`${name.toUpperCase()}_DATABASE_URL`]: `file:${path.join(workDir, name)}` }]));
  const stack = await startStack({
    repoRoot,
    ports: "random",
    subgraphEnv,
    env: { NODE_ENV: "development", LOG_LEVEL: "info", ...options.env },
    routerArgs: options.routerArgs,
    withRouter: options.withRouter,
    jwtSecret: TEST_JWT_SECRET,
    supergraphOut: path.join(workDir, "supergraph.graphql"),
    logs: { kind: "directory", dir: logDir },
  });
  return {
    ...stack,
    runId,
    logDir,
    async teardown() {
      await stack.stop();
      if (kind === "postgres") await dropPostgresDatabases(runId);
    },
  };
}
