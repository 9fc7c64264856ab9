/**
 * The node flags a subgraph runs with. On embedded PGlite, V8's optimizing compiler spends seconds and
 * ~65 MB per process turning PostgreSQL's WASM into faster code a development database does not need.
 */
/**
 * `--liftoff-only`: WASM runs on V8's baseline compiler alone (measured with `npm run measure:start`:
 * a restart's PGlite ready in ~2 s instead of ~5 s, 130 MB instead of 196 MB, queries no slower).
 * A subgraph on PostgreSQL keeps V8's defaults.
 */
export function subgraphNodeFlags(databaseUrl: string | undefined): string[] {
  // The same test as service-kit's isPostgresUrl, without loading the service runtime into the launcher.
  return databaseUrl && /^postgres(ql)?:\/\//i.test(databaseUrl) ? [] : ["--liftoff-only"];
}
