/**
 * The node flags a subgraph runs with. On embedded PGlite, V8's optimizing compiler spends seconds and
 * ~65 MB per process turning PostgreSQL's WASM into faster code a development database does not need.
 */
/**
 * `--liftoff-only`: WASM runs on V8's baseline compiler alone (measured with `npm run measure:start`:
 * a restart's PGlite ready in ~2 s instead of ~5 s, 130 MB instead of 196 MB, queries no slower).
 * `--max-semi-space-size=2`: a 2 MB young generation instead of up to 16 MB (~30 MB less per process)
 * for a development service's light traffic. A subgraph on PostgreSQL keeps V8's defaults.
 */
const EMBEDDED_DATABASE_FLAGS = ["--liftoff-only", "--max-semi-space-size=2"];

export function subgraphNodeFlags(databaseUrl: string | undefined): string[] {
  // The same test as service-kit's isPostgresUrl, without loading the service runtime into the launcher.
  return databaseUrl && /^postgres(ql)?:\/\//i.test(databaseUrl) ? [] : [...EMBEDDED_DATABASE_FLAGS];
}
