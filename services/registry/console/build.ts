/**
 * `npm run build:console -w @store/registry`: bundles the console (Preact pages, d3 chart
 * primitives, one stylesheet) into console/dist with esbuild, which the registry serves under
 * /console. Fails when the output would load anything from another host.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, "dist");

/** Ways a page could reach another host: a remote import, stylesheet, font, image or frame. */
const REMOTE = [
  /\bimport\s*\(?\s*["'`]https?:/,
  /\bfrom\s*["'`]https?:/,
  /url\(\s*["']?https?:/,
  /@import\s+(url\()?\s*["']?https?:/,
  /<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["']?https?:/i,
];

export async function buildConsole(outDir = dist) {
  const started = performance.now();
  const staging = `${outDir}.tmp-${process.pid}`;
  const assets = path.join(staging, "assets");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { console: "src/main.tsx" },
      entryNames: "[name]-[hash]",
      outdir: assets,
      bundle: true,
      minify: true,
      format: "esm",
      target: "es2022",
      jsx: "automatic",
      jsxImportSource: "preact",
      legalComments: "none",
      logLevel: "warning",
      metafile: true,
    });
    const output = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === "src/main.tsx");
    if (!output?.[1].cssBundle) throw new Error("esbuild produced no script and stylesheet for the console");
    // Relative to the page (/console), so the registry may sit under any prefix.
    const html = readFileSync(path.join(root, "index.html"), "utf8")
      .replace("%JS%", `console/assets/${path.basename(output[0])}`)
      .replace("%CSS%", `console/assets/${path.basename(output[1].cssBundle)}`);
    writeFileSync(path.join(staging, "index.html"), html);
    const problems: string[] = [];
    let bytes = 0;
    let gzipped = 0;
    for (const [name, text] of [
      ["index.html", html] as const,
      ...readdirSync(assets).map((n) => [n, readFileSync(path.join(assets, n), "utf8")] as const),
    ]) {
      for (const pattern of REMOTE) if (pattern.test(text)) problems.push(`${name}: ${pattern}`);
      if (name === "index.html") continue;
      const packed = gzipSync(text, { level: 9 });
      writeFileSync(path.join(assets, `${name}.gz`), packed);
      bytes += Buffer.byteLength(text);
      gzipped += packed.length;
    }
    if (problems.length) throw new Error(`The console bundle would load from other hosts:\n  ${problems.join("\n  ")}`);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
    return { bytes, gzipped, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const built = await buildConsole();
    console.log(
      `console built in ${built.seconds.toFixed(1)}s: ${(built.bytes / 1024).toFixed(1)} KiB (${(built.gzipped / 1024).toFixed(1)} KiB gzipped)`,
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
