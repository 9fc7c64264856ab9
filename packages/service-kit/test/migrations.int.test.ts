import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/database.ts";
import { applyMigrations, migrationsUpToDate } from "../src/migrations.ts";

function migrationsFolder(migrations: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
  for (const [name, sql] of Object.entries(migrations)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

const rows = (db: Database, sql: string) => db.transaction((tx) => tx.query<Record<string, unknown>>(sql));

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe("migration applier (PGlite)", () => {
  it("applies pending migrations in order once, recording them like prisma migrate deploy", async () => {
    db = await openDatabase({ url: "memory://", defaultDataDir: "" });
    const dir = migrationsFolder({
      "001_items": `CREATE TABLE item (id TEXT PRIMARY KEY, note TEXT);`,
      "002_seed": `INSERT INTO item VALUES ('a', 'semi;colon in a string');`,
    });
    expect(await migrationsUpToDate(db.transaction, dir)).toBe(false);
    expect(await applyMigrations(db.transaction, dir)).toEqual(["001_items", "002_seed"]);
    expect(await applyMigrations(db.transaction, dir)).toEqual([]);
    expect(await migrationsUpToDate(db.transaction, dir)).toBe(true);
    expect(await rows(db, "SELECT note FROM item")).toEqual([{ note: "semi;colon in a string" }]);
    const recorded = await rows(
      db,
      `SELECT migration_name, applied_steps_count, finished_at IS NOT NULL AS done, length(checksum) AS len FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(recorded).toEqual([
      { migration_name: "001_items", applied_steps_count: 1, done: true, len: 64 },
      { migration_name: "002_seed", applied_steps_count: 1, done: true, len: 64 },
    ]);
  });

  it("rolls a failing migration back whole and applies nothing after it", async () => {
    db = await openDatabase({ url: "memory://", defaultDataDir: "" });
    const dir = migrationsFolder({
      "001_ok": `CREATE TABLE good (id INT);`,
      "002_broken": `CREATE TABLE half (id INT); INSERT INTO missing_table VALUES (1);`,
      "003_later": `CREATE TABLE later (id INT);`,
    });
    await expect(applyMigrations(db.transaction, dir)).rejects.toThrow(/missing_table/);
    const tables = await rows(db, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    expect(tables.map((t) => t.tablename)).toEqual(["_prisma_migrations", "good"]);
    const recorded = await rows(db, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(recorded.map((r) => r.migration_name)).toEqual(["001_ok"]);
  });
});
