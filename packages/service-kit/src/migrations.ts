import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/**
 * Applies Prisma migration folders at start-up without the Prisma CLI, recording them in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does, so either tool can take over.
 */

/** The advisory lock key the Prisma CLI uses: replicas and a concurrent CLI queue behind each other. */
const PRISMA_MIGRATE_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** What a migration needs from a connection: parameterised queries and multi-statement scripts. */
export interface MigrationTransaction {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(script: string): Promise<void>;
}

export type TransactionRunner = <T>(work: (tx: MigrationTransaction) => Promise<T>) => Promise<T>;

export interface Migration {
  name: string;
  script: string;
  checksum: string;
}

export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    folders.map(async (name) => {
      const bytes = await readFile(path.join(migrationsDir, name, "migration.sql"));
      return { name, script: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    }),
  );
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

/** Applies pending migrations, each in its own transaction. Returns the names it applied. */
export async function applyMigrations(run: TransactionRunner, migrationsDir: string): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  const applied: string[] = [];
  for (const migration of migrations) {
    const didApply = await run(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${PRISMA_MIGRATE_LOCK})`);
      await tx.exec(CREATE_MIGRATIONS_TABLE);
      const rows = await tx.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE migration_name = $1`,
        [migration.name],
      );
      if (rows.some((r) => r.finished_at && !r.rolled_back_at)) return false;
      if (rows.some((r) => !r.finished_at && !r.rolled_back_at)) {
        throw new MigrationError(
          `Migration ${migration.name} was started but never finished; resolve it with \`prisma migrate resolve\` before starting.`,
        );
      }
      await tx.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
        randomUUID(),
        migration.checksum,
        migration.name,
      ]);
      await tx.exec(migration.script);
      await tx.query(
        `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE migration_name = $1 AND finished_at IS NULL`,
        [migration.name],
      );
      return true;
    });
    if (didApply) applied.push(migration.name);
  }
  return applied;
}

/** True when every migration folder is recorded as finished (readiness). */
export async function migrationsUpToDate(run: TransactionRunner, migrationsDir: string): Promise<boolean> {
  const migrations = await readMigrations(migrationsDir);
  return run(async (tx) => {
    const exists = await tx.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    if (!exists[0]?.present) return migrations.length === 0;
    const rows = await tx.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const done = new Set(rows.map((r) => r.migration_name));
    return migrations.every((m) => done.has(m.name));
  });
}
