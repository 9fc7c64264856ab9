/**
 * Prisma CLI configuration shared by every service (loaded by each service's prisma.config.ts).
 *
 * The CLI runs Prisma's JS/WASM schema engine through a driver adapter, which is the only path that
 * works offline here. Only the CLI loads this file: services apply migrations at start-up with
 * packages/service-kit's applier instead.
 *
 * Each workaround below fixes a failure seen with Prisma 6.19 + PGlite (see shared notes).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// 1. The WASM engine and PGlite leave long timers armed, so the CLI would hang after finishing.
const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = originalSetTimeout(handler, ms, ...args);
  const fromPglite = (new Error().stack ?? "").includes("@electric-sql/pglite");
  if ((ms ?? 0) >= 5000 || fromPglite) timer.unref?.();
  return timer;
}) as typeof setTimeout;

// 2. The CLI calls adapter() more than once: one PGlite per data dir, or the dir gets corrupted.
const openPglites = new Map<string, PGlite>();
// 3. Nobody closes the adapter's PGlite, which would leave the data dir unclean.
process.once("beforeExit", async () => {
  for (const db of openPglites.values()) await db.close().catch(() => undefined);
});

function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

function pgliteDir(name: string, url: string | undefined): string {
  if (url?.startsWith("file:")) return path.resolve(repoRoot, url.slice("file:".length));
  return path.join(repoRoot, ".data", name);
}

function pgliteFactory(dir: string) {
  let db = openPglites.get(dir);
  if (!db) {
    mkdirSync(path.dirname(dir), { recursive: true });
    db = new PGlite(dir);
    openPglites.set(dir, db);
  }
  const factory = new PrismaPGlite(db);
  const patchAdapter = <T extends Record<string, any>>(adapter: T, client: PGlite): T => {
    // 4. Shadow replay sends whole migration scripts without args; the extended protocol rejects them.
    const executeRaw = adapter.executeRaw.bind(adapter);
    (adapter as any).executeRaw = async (query: { sql: string; args: unknown[] }) => {
      if (query.args.length === 0) {
        const results = await client.exec(query.sql);
        return results.reduce((n, r) => n + (r.affectedRows ?? 0), 0);
      }
      return executeRaw(query);
    };
    // 5. The adapter's executeScript does not await exec(), so failures were recorded as applied.
    (adapter as any).executeScript = async (script: string) => {
      await client.exec(script);
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patchAdapter(await factory.connect(), db!),
    connectToShadowDb: async () => {
      const shadow = new PGlite();
      const adapter = await new PrismaPGlite(shadow).connect();
      const dispose = adapter.dispose.bind(adapter);
      (adapter as any).dispose = async () => {
        await dispose();
        await shadow.close();
      };
      return patchAdapter(adapter, shadow);
    },
  };
}

export function defineServiceConfig(name: string) {
  const envVar = `${name.toUpperCase()}_DATABASE_URL`;
  const url = process.env[envVar];
  // The 6.19 CLI insists on a postgres-looking url even though the adapter decides the connection.
  if (!isPostgresUrl(url)) process.env[envVar] = `postgresql://pglite.invalid/${name}`;
  return defineConfig({
    experimental: { adapter: true },
    engine: "js",
    schema: path.join(repoRoot, "prisma", name, "schema.prisma"),
    migrations: { path: path.join(repoRoot, "prisma", name, "migrations") },
    async adapter() {
      if (isPostgresUrl(url)) return new PrismaPg({ connectionString: url }) as any;
      return pgliteFactory(pgliteDir(name, url)) as any;
    },
  });
}
