/**
 * `npm run build:server -w @store/router`: bundles the router's own code (and the workspace
 * packages it uses) into dist/main.mjs with esbuild; npm dependencies stay imports. Running that
 * needs no TypeScript loader: tsx compiles on the fly in a worker thread that stays resident, and
 * the unused parts of the shared kit (database drivers, subgraph helpers) are left out.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.dirname(fileURLToPath(import.meta.url));

/** The package name of a bare import ("@scope/name/sub" gives "@scope/name"). */
const packageName = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** Where Node finds package `name` from directory `from`: the nearest node_modules that holds it. */
function packageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * An npm import left in the bundle is resolved at run time from the bundle's folder, not from the
 * workspace package that wrote it. When npm nested another version for that package (the kit's
 * OpenTelemetry 2.x beside a hoisted 1.x), the bundle would load the wrong one: refuse to build.
 */
function checkSameResolution(specifier: string, importer: string, outfile: string): void {
  const name = packageName(specifier);
  const wanted = packageDir(name, path.dirname(importer));
  const found = packageDir(name, path.dirname(outfile));
  if (!wanted || wanted === found) return;
  const version = (dir?: string): string => (dir ? JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version : "none");
  // Compatible as semver's caret reads it: same major (same minor below 1.0).
  const line = (v: string) => (v.startsWith("0.") ? v.split(".").slice(0, 2) : v.split(".").slice(0, 1)).join(".");
  if (line(version(wanted)) !== line(version(found))) {
    throw new Error(
      `${name}: ${path.relative(root, importer)} uses ${version(wanted)}, but the bundle would load ${version(found)}; ` +
        `add "${name}" to the dependencies of the package being bundled, at a compatible version.`,
    );
  }
}

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
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith("@store/")) return undefined;
            checkSameResolution(args.path, args.importer, outfile);
            return { path: args.path, external: true, sideEffects: false };
          });
          // The kit's modules only declare things: what the router does not use can be dropped.
          b.onResolve({ filter: /^\.\.?\// }, (args) =>
            args.importer.includes(`${path.sep}packages${path.sep}`)
              ? { path: path.resolve(args.resolveDir, args.path), sideEffects: false }
              : undefined,
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
