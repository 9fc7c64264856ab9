import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "@store/service-kit";
import type { RouterConfig } from "./config.ts";

/**
 * Serves the explorer the build put in explorer/dist: GET /explorer (the page) and
 * /explorer/assets/<file>. Every file is read once at start and looked up by exact name, so no
 * request path ever reaches the file system.
 */
export const EXPLORER_DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "explorer", "dist");
export const EXPLORER_PATH = "/explorer";
const ASSETS_PREFIX = `${EXPLORER_PATH}/assets/`;

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
};

/** The page may load code, styles and workers from this router only; the browser enforces it. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  // Monaco and React position elements with inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
}

export interface ExplorerFiles {
  /** index.html with a %CONFIG% placeholder for the page config. */
  template: string;
  assets: Map<string, Asset>;
}

/** Reads the built explorer; undefined when it was never built. */
export function loadExplorerFiles(dir = EXPLORER_DIST): ExplorerFiles | undefined {
  let template: string;
  try {
    template = readFileSync(path.join(dir, "index.html"), "utf8");
  } catch {
    return undefined;
  }
  const assets = new Map<string, Asset>();
  const assetDir = path.join(dir, "assets");
  const names = readdirSync(assetDir);
  for (const name of names) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (!type) continue; // .gz siblings and anything unexpected are not served on their own
    const gzipName = `${name}.gz`;
    assets.set(name, {
      body: readFileSync(path.join(assetDir, name)),
      gzip: names.includes(gzipName) ? readFileSync(path.join(assetDir, gzipName)) : undefined,
      type,
    });
  }
  return { template, assets };
}

/** The page config the browser reads; see explorer/src/page-config.ts. */
export function explorerPageConfig(config: RouterConfig) {
  return {
    endpoint: "graphql",
    landingPage: config.landingPage,
    // The demo sign-in is a development convenience only.
    demoUser: config.mode === "development" ? config.explorer.demoUser : undefined,
  };
}

function renderPage(template: string, pageConfig: unknown): string {
  // JSON inside <script>: "<" escaped so no value can close the element.
  return template.replace("%CONFIG%", () => JSON.stringify(pageConfig).replace(/</g, "\\u003c"));
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const payload = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.end(payload);
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers["accept-encoding"];
  if (typeof header !== "string") return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return coding?.trim().toLowerCase() === "gzip" && (!q || Number(q.slice(2)) > 0);
  });
}

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  res.statusCode = status;
  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
  res.setHeader("content-length", body.length);
  res.setHeader("x-content-type-options", "nosniff");
  res.end(req.method === "HEAD" ? undefined : body);
}

export type ExplorerHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Answers the explorer's routes and returns true, or returns false for every other path.
 * `files` undefined (never built) answers /explorer with 503 and how to build it.
 */
export function createExplorerHandler(files: ExplorerFiles | undefined, pageConfig: unknown): ExplorerHandler {
  const page = files ? Buffer.from(renderPage(files.template, pageConfig)) : undefined;
  const pageTag = page ? `"${createHash("sha256").update(page).digest("base64url").slice(0, 27)}"` : undefined;

  return (req, res) => {
    const url = req.url ?? "/";
    const queryStart = url.indexOf("?");
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    if (pathname !== EXPLORER_PATH && !pathname.startsWith(`${EXPLORER_PATH}/`)) return false;

    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      sendError(res, 405, "BAD_REQUEST", `${req.method} is not allowed on ${pathname}; use GET.`);
      return true;
    }
    if (!files || !page) {
      sendError(
        res,
        503,
        "SERVICE_UNAVAILABLE",
        "The explorer is not built: run `npm run build:explorer -w @store/router`, then restart the router.",
      );
      return true;
    }
    if (pathname === EXPLORER_PATH) {
      if (req.headers["if-none-match"] === pageTag) {
        res.statusCode = 304;
        res.setHeader("etag", pageTag!);
        res.end();
        return true;
      }
      send(
        req,
        res,
        200,
        {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-cache",
          etag: pageTag!,
          "content-security-policy": CONTENT_SECURITY_POLICY,
          "referrer-policy": "no-referrer",
          "x-frame-options": "DENY",
        },
        page,
      );
      return true;
    }
    if (pathname === `${EXPLORER_PATH}/`) {
      // Asset and endpoint URLs are relative to /explorer, so the page lives without the slash.
      res.statusCode = 308;
      res.setHeader("location", `../explorer${queryStart === -1 ? "" : url.slice(queryStart)}`);
      res.end();
      return true;
    }
    const asset = pathname.startsWith(ASSETS_PREFIX) ? files.assets.get(pathname.slice(ASSETS_PREFIX.length)) : undefined;
    if (!asset) {
      sendError(res, 404, "NOT_FOUND", `No explorer file at ${pathname}`);
      return true;
    }
    const gzip = asset.gzip && acceptsGzip(req) ? asset.gzip : undefined;
    send(
      req,
      res,
      200,
      {
        "content-type": asset.type,
        // File names carry a content hash: a changed file is a new name.
        "cache-control": "public, max-age=31536000, immutable",
        vary: "accept-encoding",
        ...(gzip ? { "content-encoding": "gzip" } : {}),
      },
      gzip ?? asset.body,
    );
    return true;
  };
}

/** The explorer's routes in front of the router's handler; the landing page redirect when chosen. */
export function withExplorer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  explorer: ExplorerHandler,
  options: { redirectGraphQLPage: boolean },
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (options.redirectGraphQLPage && isBrowserVisitToGraphQL(req)) {
      res.statusCode = 302;
      res.setHeader("location", "explorer");
      res.end();
      return;
    }
    if (!explorer(req, res)) handler(req, res);
  };
}

/** A browser opening /graphql (not a GraphQL GET request, which carries ?query=). */
function isBrowserVisitToGraphQL(req: IncomingMessage): boolean {
  const url = req.url ?? "/";
  return req.method === "GET" && url === "/graphql" && /text\/html/.test(req.headers.accept ?? "");
}

export function logExplorerState(logger: Logger, files: ExplorerFiles | undefined, url: string): void {
  if (files) logger.info({ url }, "explorer ready");
  else logger.warn({ url }, "explorer enabled but not built: run `npm run build:explorer -w @store/router`");
}
