import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/database.ts";

const setting = async (db: Database, name: string) =>
  (await db.transaction((tx) => tx.query<{ setting: string }>(`SELECT current_setting('${name}') AS setting`)))[0]!.setting;

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe("embedded PostgreSQL settings", () => {
  it("a fresh data dir starts with small buffers, and keeps them and its data when reopened", async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "pglite-settings-")), "service");
    db = await openDatabase({ url: `file:${dataDir}`, defaultDataDir: "" });
    expect(await setting(db, "shared_buffers")).toBe("16MB");
    await db.transaction((tx) => tx.exec("CREATE TABLE note (id INT PRIMARY KEY); INSERT INTO note VALUES (1);"));
    await db.close();

    db = await openDatabase({ url: `file:${dataDir}`, defaultDataDir: "" });
    expect(await setting(db, "work_mem")).toBe("2MB");
    expect(await db.transaction((tx) => tx.query<{ id: number }>("SELECT id FROM note"))).toEqual([{ id: 1 }]);
  });

  it("an in-memory database gets the same settings", async () => {
    db = await openDatabase({ url: "memory://", defaultDataDir: "" });
    expect(await setting(db, "shared_buffers")).toBe("16MB");
  });
});
