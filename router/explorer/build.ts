/**
 * `npm run build:explorer -w @store/router`: bundles the explorer (GraphiQL, its plugins, Monaco
 * and its workers, the example operations) into explorer/dist with esbuild, so the router serves
 * it with no network at all. Fails when the output would load anything from another host.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";
import { loadExampleOperations } from "./operations.ts";

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, "dist");

/** Patterns by which a page would load code, styles or fonts from elsewhere. */
const REMOTE_LOADS = [
  /\bimport\s*\(\s*["'`]https?:/, // dynamic import of a URL
  /\bimport\s*["'`]https?:/, // static side-effect import of a URL
  /\bfrom\s*["'`]https?:/,
  /\bimportScripts\s*\(\s*["'`]https?:/,
  /new\s+Worker\s*\(\s*["'`]https?:/,
  /url\(\s*["']?https?:/, // CSS url() to another host (fonts, images)
  /@import\s+(url\()?\s*["']?https?:/,
  /<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["']?https?:/i,
];

export function findRemoteLoads(file: string, text: string): string[] {
  return REMOTE_LOADS.flatMap((pattern) => {
    const match = pattern.exec(text);
    return match ? [`${file}: ${text.slice(Math.max(0, match.index - 40), match.index + 80).replace(/\s+/g, " ")}`] : [];
  });
}

/**
 * Monaco's modules import their own stylesheets; GraphiQL's stylesheet already holds them all, so
 * those imports are dropped rather than emitted as stylesheets that nothing loads.
 */
const skipMonacoCss: Plugin = {
  name: "skip-monaco-css",
  setup(build) {
    build.onResolve({ filter: /\.css$/ }, (args) =>
      /[\\/]node_modules[\\/]monaco-editor[\\/]/.test(args.importer) ? { path: args.path, namespace: "skipped-css" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "skipped-css" }, () => ({ contents: "", loader: "empty" }));
  },
};

export class ExplorerBuildError extends Error {}

/** True when a source of the explorer (or the lockfile) changed after the last build, or there is none. */
export function explorerBuildIsStale(outDir = dist): boolean {
  let builtAt: number;
  try {
    builtAt = statSync(path.join(outDir, "index.html")).mtimeMs;
  } catch {
    return true;
  }
  const sources = ["src", "operations", "index.html", "build.ts", "operations.ts", "../../package-lock.json"].map((p) =>
    path.join(root, p),
  );
  const newest = (file: string): number => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) return 0;
    return stat.isDirectory() ? Math.max(0, ...readdirSync(file).map((name) => newest(path.join(file, name)))) : stat.mtimeMs;
  };
  return sources.some((file) => newest(file) > builtAt);
}

export interface ExplorerBuild {
  examples: number;
  assets: number;
  bytes: number;
  gzippedBytes: number;
  seconds: number;
}

/**
 * Builds into a fresh folder and swaps it in at the end, so a router starting meanwhile reads
 * the old build or the new one, never half of one.
 */
export async function buildExplorer(outDir = dist): Promise<ExplorerBuild> {
  const started = performance.now();
  const staging = `${outDir}.tmp-${process.pid}`;
  const assets = path.join(staging, "assets");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });
  try {
    const built = await bundle(staging, assets);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
    return { ...built, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function bundle(outDir: string, assets: string): Promise<Omit<ExplorerBuild, "seconds">> {
  const common = {
    bundle: true,
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    absWorkingDir: root,
    outdir: assets,
    metafile: true,
  } as const;

  // The three Monaco workers, each a classic script the page starts with `new Worker(url)`.
  const workerEntries = {
    "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
    "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
    "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
  };
  const workers = await build({
    ...common,
    entryPoints: Object.entries(workerEntries).map(([out, input]) => ({ in: input, out })),
    entryNames: "[name]-[hash]",
    format: "iife",
    target: "es2022",
  });
  const workerFile = (name: keyof typeof workerEntries) => {
    const found = Object.entries(workers.metafile.outputs).find(([file]) => path.basename(file).startsWith(`${name}-`));
    if (!found) throw new Error(`esbuild produced no ${name}`);
    return path.basename(found[0]);
  };

  const examples = loadExampleOperations();
  const app = await build({
    ...common,
    entryPoints: { explorer: "src/main.tsx" },
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    assetNames: "[name]-[hash]",
    format: "esm",
    splitting: true,
    target: "es2022",
    jsx: "automatic",
    plugins: [skipMonacoCss],
    // Fonts and images referenced from CSS are inlined: one stylesheet, nothing else to fetch.
    loader: { ".ttf": "dataurl", ".woff": "dataurl", ".woff2": "dataurl", ".svg": "dataurl", ".png": "dataurl" },
    define: {
      "process.env.NODE_ENV": '"production"',
      __EXPLORER_EXAMPLES__: JSON.stringify(examples),
      __MONACO_WORKERS__: JSON.stringify({
        editor: `./${workerFile("editor.worker")}`,
        json: `./${workerFile("json.worker")}`,
        graphql: `./${workerFile("graphql.worker")}`,
      }),
    },
  });
  const jsOutput = Object.entries(app.metafile.outputs).find(([, output]) => output.entryPoint === "src/main.tsx");
  const cssBundle = jsOutput?.[1].cssBundle;
  if (!jsOutput || !cssBundle) throw new Error("esbuild produced no script and stylesheet for the explorer");
  const js = path.basename(jsOutput[0]);
  const css = path.basename(cssBundle);

  // Asset URLs are relative to the page (/explorer), so the router may sit under any prefix.
  const html = readFileSync(path.join(root, "index.html"), "utf8")
    .replace("%JS%", `explorer/assets/${js}`)
    .replace("%CSS%", `explorer/assets/${css}`);
  writeFileSync(path.join(outDir, "index.html"), html);

  // Text assets are stored gzipped too: the router sends those to browsers that accept gzip.
  const problems: string[] = findRemoteLoads("index.html", html);
  let raw = 0;
  let gzipped = 0;
  for (const name of readdirSync(assets)) {
    const file = path.join(assets, name);
    const body = readFileSync(file);
    problems.push(...findRemoteLoads(name, body.toString("utf8")));
    raw += body.length;
    if (/\.(js|css|json|svg)$/.test(name)) {
      const packed = gzipSync(body, { level: 9 });
      if (packed.length < body.length) writeFileSync(`${file}.gz`, packed);
      gzipped += Math.min(packed.length, body.length);
    } else {
      gzipped += body.length;
    }
  }
  if (problems.length > 0) throw new ExplorerBuildError(`The explorer bundle would load from other hosts:\n  ${problems.join("\n  ")}`);
  return {
    examples: examples.length,
    assets: readdirSync(assets).filter((n) => !n.endsWith(".gz")).length,
    bytes: raw,
    gzippedBytes: gzipped,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const built = await buildExplorer();
    const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(2)} MB`;
    console.log(
      `explorer built in ${built.seconds.toFixed(1)}s: ${built.examples} example operations, ${built.assets} assets, ` +
        `${mb(built.bytes)} (${mb(built.gzippedBytes)} gzipped) in ${path.relative(process.cwd(), dist) || dist}`,
    );
  } catch (error) {
    console.error(error instanceof ExplorerBuildError ? error.message : error);
    process.exit(1);
  }
}
