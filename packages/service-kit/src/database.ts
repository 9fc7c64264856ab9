import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { collectGarbageNow, embeddedPostgresStartParams } from "./embedded-postgres-settings.ts";
import type { TransactionRunner } from "./migrations.ts";

/**
 * A Prisma driver adapter factory (PGlite or pg). Typed loosely on purpose: the PGlite adapter and the
 * generated client see two type identities (CJS and ESM) of the same runtime contract.
 */
export type DriverAdapterFactory = any;

/**
 * One service's database: embedded PGlite by default, PostgreSQL when the service's URL says so.
 * The same schema and migrations serve both.
 */
export interface Database {
  kind: "pglite" | "postgres";
  /** Where the data lives, safe to log (no password). */
  location: string;
  /** Driver adapter factory handed to the service's PrismaClient. */
  adapter: DriverAdapterFactory;
  /** Runs work in one transaction on a connection outside Prisma (migrations). */
  transaction: TransactionRunner;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Embedded only: the whole data dir as a tarball, to clone a prepared database quickly. */
  dump?(): Promise<Blob>;
}

export interface OpenDatabaseOptions {
  /** Unset: embedded PGlite in `defaultDataDir`; `postgres://…`: PostgreSQL; `file:<dir>`; `memory://`. */
  url: string | undefined;
  defaultDataDir: string;
  /** A dumped, already migrated data dir to start an in-memory PGlite from (fast test databases). */
  loadDataDir?: Blob;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

/** Hides the password in a connection URL so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable url)";
  }
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return isPostgresUrl(options.url) ? openPostgres(options.url, options.poolSize ?? 10) : openPglite(options);
}

async function openPglite({ url, defaultDataDir, loadDataDir }: OpenDatabaseOptions): Promise<Database> {
  let dataDir: string | undefined;
  if (url === "memory://") dataDir = undefined;
  else if (url?.startsWith("file:")) dataDir = path.resolve(url.slice("file:".length));
  else if (!url) dataDir = defaultDataDir;
  else throw new Error(`Unsupported database URL scheme in "${redactUrl(url)}": use postgres://, file:<dir> or memory://`);

  // PGlite does not create parent folders of its data dir.
  if (dataDir) mkdirSync(path.dirname(dataDir), { recursive: true });
  const fresh = !loadDataDir && (!dataDir || !existsSync(dataDir));
  const pglite = await PGlite.create(dataDir, { startParams: embeddedPostgresStartParams(), ...(loadDataDir ? { loadDataDir } : {}) });
  if (fresh) collectGarbageNow();
  const transaction: TransactionRunner = (work) =>
    pglite.transaction((tx) =>
      work({
        query: async (sql, params) => (await tx.query(sql, params)).rows as any[],
        exec: async (script) => {
          await tx.exec(script);
        },
      }),
    ) as Promise<any>;
  return {
    kind: "pglite",
    location: dataDir ?? "memory",
    adapter: new PrismaPGlite(pglite),
    transaction,
    ping: async () => {
      await pglite.query("SELECT 1");
    },
    close: () => pglite.close(),
    dump: async () => (await pglite.dumpDataDir("none")) as Blob,
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // A database that stops answering (no refusal, just silence) must fail a query within seconds rather
  // than hold it forever; TCP keep-alive notices a peer that vanished from under an idle connection.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    allowExitOnIdle: true,
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  // A dropped idle connection must not crash the process; the pool replaces it on the next query.
  pool.on("error", () => undefined);
  const transaction: TransactionRunner = async (work) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work({
        query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
        exec: async (script) => {
          // No parameters: simple protocol, so a multi-statement script runs as one.
          await client.query(script);
        },
      });
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    kind: "postgres",
    location: redactUrl(url),
    adapter: new PrismaPg(pool),
    transaction,
    ping: async () => {
      await pool.query("SELECT 1");
    },
    close: () => pool.end(),
  };
}
