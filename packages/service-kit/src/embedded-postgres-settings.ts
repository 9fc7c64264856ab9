/**
 * The PostgreSQL settings an embedded PGlite database starts with: PostgreSQL's defaults sized for a
 * server (128 MB of shared buffers) made every subgraph of `npm start` hold ~130 MB it never used.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { PGlite } from "@electric-sql/pglite";

/**
 * One service's store is a few MB: 16 MB of shared buffers hold all of it. Measured with
 * `npm run measure:start` (README, quick start).
 */
export const EMBEDDED_POSTGRES_SETTINGS: Record<string, string> = {
  shared_buffers: "16MB",
  wal_buffers: "1MB",
  temp_buffers: "2MB",
  work_mem: "2MB",
  maintenance_work_mem: "16MB",
};

/** PGlite's own start parameters followed by ours, as `-c name=value` pairs. */
export function embeddedPostgresStartParams(): string[] {
  return [
    ...PGlite.defaultStartParams,
    ...Object.entries(EMBEDDED_POSTGRES_SETTINGS).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
  ];
}

/**
 * A fresh data dir runs initdb in a second PGlite instance (its own WASM memory, ~400 MB) that is closed
 * but stays resident until V8 collects it; a full collection right away gives that memory back.
 */
export function collectGarbageNow(): void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
}
