import { existsSync, readFileSync, readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RegistryError } from "./errors.ts";

/**
 * Serves the console's build (console/dist, made by `npm run build:console`) under /console: the
 * page, and its hashed assets with long caching. Every answer carries a content security policy that
 * lets the page load and call only this registry.
 */

export const defaultConsoleDist = fileURLToPath(new URL("../console/dist", import.meta.url));

/** Scripts, styles and API calls from this origin only; no inline code, no frames, nothing from elsewhere. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = {
  "content-security-policy": CONSOLE_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

interface Asset {
  body: Buffer;
  gzipped?: Buffer;
  type: string;
}

/** The built console in memory (it is small), or undefined when it was never built. */
export type ConsoleAssets = Map<string, Asset> | undefined;

export function loadConsoleAssets(dist = defaultConsoleDist): ConsoleAssets {
  if (!existsSync(path.join(dist, "index.html"))) return undefined;
  const assets = new Map<string, Asset>();
  const add = (urlPath: string, file: string) => {
    const gz = `${file}.gz`;
    assets.set(urlPath, {
      body: readFileSync(file),
      gzipped: existsSync(gz) ? readFileSync(gz) : undefined,
      type: TYPES[path.extname(file)] ?? "application/octet-stream",
    });
  };
  add("/console", path.join(dist, "index.html"));
  const dir = path.join(dist, "assets");
  for (const name of existsSync(dir) ? readdirSync(dir) : [])
    if (!name.endsWith(".gz")) add(`/console/assets/${name}`, path.join(dir, name));
  return assets;
}

export function serveConsole(req: IncomingMessage, res: ServerResponse, pathname: string, assets: ConsoleAssets): string {
  for (const [key, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(key, value);
  if (!assets)
    throw new RegistryError("SERVICE_UNAVAILABLE", "The console is not built: run `npm run build:console -w @store/registry` and restart.");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    throw new RegistryError("BAD_REQUEST", `${req.method} is not allowed on ${pathname}.`);
  }
  // The page's asset URLs are relative to /console: with a trailing slash they would miss.
  if (pathname === "/console/") {
    res.statusCode = 308;
    res.setHeader("location", "../console");
    res.end();
    return "console";
  }
  const page = pathname;
  const asset = assets.get(page);
  if (!asset) throw new RegistryError("NOT_FOUND", `No console page or asset at ${pathname}.`);
  const gzip = asset.gzipped && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const body = gzip ? asset.gzipped! : asset.body;
  res.statusCode = 200;
  res.setHeader("content-type", asset.type);
  res.setHeader("content-length", body.length);
  res.setHeader("cache-control", page === "/console" ? "no-cache" : "public, max-age=31536000, immutable");
  if (asset.gzipped) res.setHeader("vary", "accept-encoding");
  if (gzip) res.setHeader("content-encoding", "gzip");
  res.end(req.method === "HEAD" ? undefined : body);
  return page === "/console" ? "console" : "console_asset";
}
