import type { Database } from "./database.ts";
import type { Readiness } from "./http.ts";
import { applyMigrations, migrationsUpToDate } from "./migrations.ts";

const READINESS_TIMEOUT_MS = 2_000;

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Readiness of a database-backed service: the database answers and every migration is applied.
 * Once migrations are known to be applied they are not asked about again.
 */
export function databaseReadiness(db: Database, migrationsDir: string) {
  let migrationsApplied = false;
  return {
    /** Applies pending migrations (start-up in development) and returns their names. */
    async migrate(): Promise<string[]> {
      const applied = await applyMigrations(db.transaction, migrationsDir);
      migrationsApplied = true;
      return applied;
    },
    async check(): Promise<Readiness> {
      const checks: Record<string, string> = {};
      try {
        // A probe must answer quickly even when the database hangs instead of refusing.
        await withinMs(db.ping(), READINESS_TIMEOUT_MS);
        checks.database = "ok";
        migrationsApplied ||= await withinMs(migrationsUpToDate(db.transaction, migrationsDir), READINESS_TIMEOUT_MS);
        checks.migrations = migrationsApplied ? "ok" : "pending";
      } catch (error) {
        checks.database = `unreachable: ${(error as Error).message}`;
      }
      return { ready: checks.database === "ok" && migrationsApplied, checks };
    },
  };
}
