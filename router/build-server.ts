/**
 * `npm run build:server -w @store/router`: bundles the router's own code (and the workspace
 * packages it uses) into dist/main.mjs with esbuild; npm dependencies stay imports. Running that
 * needs no TypeScript loader: tsx compiles on the fly in a worker thread that stays resident, and
 * the unused parts of the shared kit (database drivers, subgraph helpers) are left out.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.dirname(fileURLToPath(import.meta.url));

/** Bundles one Node entry point (TypeScript) with the workspace code it imports; npm packages stay imports. */
export async function bundleForNode(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    // Workspace packages (@store/*) are TypeScript: bundle them. Everything else is a real package.
    plugins: [
      {
        name: "external-npm-packages",
        setup(b) {
          // Every import here names what it uses (no import for side effects alone), so an import
          // whose names all went unused (a database driver behind the kit's index) can be dropped.
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@store/") ? undefined : { path: args.path, external: true, sideEffects: false }));
          // The kit's modules only declare things: what the router does not use can be dropped.
          b.onResolve({ filter: /^\.\.?\// }, (args) =>
            args.importer.includes(`${path.sep}packages${path.sep}`) ? { path: path.resolve(args.resolveDir, args.path), sideEffects: false } : undefined,
          );
          b.onResolve({ filter: /^@store\// }, () => undefined);
        },
      },
    ],
    logLevel: "warning",
  });
  return outfile;
}

/** The router as production runs it: router/dist/main.mjs (explorer assets are found next to it, in router/explorer/dist). */
export const buildServer = (outfile = path.join(root, "dist", "main.mjs")) => bundleForNode(path.join(root, "src", "main.ts"), outfile);

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const out = await buildServer();
  console.log(`router bundled into ${path.relative(process.cwd(), out)} (${(readFileSync(out).length / 1024).toFixed(0)} KiB)`);
}
