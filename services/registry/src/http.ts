import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { z } from "zod";
import { endpoints, matchEndpoint, methodsFor, type Endpoint, type EndpointName, type Endpoints } from "@store/registry-api";
import { serveOperationalRoute, type Logger, type Readiness } from "@store/service-kit";
import { authenticate, requireRouter } from "./auth.ts";
import type { Principal, RegistryConfig } from "./config.ts";
import { serveConsole, type ConsoleAssets } from "./console.ts";
import type { ConsoleReads } from "./console-reads.ts";
import { RegistryError } from "./errors.ts";
import type { RegistryMetrics } from "./metrics.ts";
import type { Registry } from "./registry.ts";

/**
 * The registry's REST/JSON API on node:http: one handler per endpoint of @store/registry-api's table,
 * which also validates the request bodies. Errors are `{ "error": { "code", "message" }, ...details }`
 * with the status the code implies.
 */

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const NAME = /^[a-z][a-z0-9_-]*$/;

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
  throw new RegistryError("BAD_USER_INPUT", `Invalid request body: ${problems.slice(0, 10).join("; ")}`, { problems });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.end(payload);
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!/json/i.test(req.headers["content-type"] ?? ""))
    throw new RegistryError("BAD_REQUEST", "Send a JSON body with content-type: application/json.");
  if (Number(req.headers["content-length"] ?? 0) > limit)
    throw new RegistryError("PAYLOAD_TOO_LARGE", `Request body exceeds ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RegistryError("PAYLOAD_TOO_LARGE", `Request body exceeds ${limit} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new RegistryError("BAD_REQUEST", "The request body is not valid JSON.");
  }
}

function positiveInt(value: string | null | undefined, name: string): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new RegistryError("BAD_USER_INPUT", `${name} must be a positive integer.`);
  return Number(value);
}

function subgraphName(raw: string): string {
  const name = decodeURIComponent(raw);
  if (!NAME.test(name))
    throw new RegistryError("BAD_USER_INPUT", `"${name}" is not a subgraph name (lower-case letters, digits, - and _).`);
  return name;
}

/** The hashes an If-None-Match header names; "*" matches any. */
function etagsOf(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((t) =>
      t
        .trim()
        .replace(/^W\//, "")
        .replace(/^"(.*)"$/, "$1"),
    )
    .filter(Boolean);
}

export interface RegistryHttpOptions {
  registry: Registry;
  config: RegistryConfig;
  logger: Logger;
  metrics: RegistryMetrics;
  readiness(): Promise<Readiness>;
  /** Aborted on shutdown, so long-polls answer at once instead of holding the server open. */
  shutdown: AbortSignal;
  /** The console's reads and its built pages. */
  consoleReads: ConsoleReads;
  consoleAssets: ConsoleAssets;
}

interface HandlerContext<E extends Endpoint> {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path parameters, still URI-encoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  principal: Principal;
  /** Reads the JSON body and validates it with the endpoint's schema. */
  body(): Promise<E extends { body: z.ZodType } ? z.output<E["body"]> : never>;
}

type Handlers = { [K in EndpointName]: (ctx: HandlerContext<Endpoints[K]>) => Promise<void> };

/** The metric label of an endpoint: its name in snake_case (supergraphVersions -> supergraph_versions). */
const routeLabel = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function createRegistryHandler(options: RegistryHttpOptions): RequestListener {
  const { registry, config, logger, metrics, consoleReads } = options;

  const handlers: Handlers = {
    subgraphs: async ({ res }) => sendJson(res, 200, { subgraphs: await registry.listSubgraphs() }),
    subgraph: async ({ res, params }) => sendJson(res, 200, { subgraph: await registry.subgraph(subgraphName(params.name!)) }),
    subgraphVersion: async ({ res, params }) =>
      sendJson(res, 200, { version: await registry.subgraphVersion(subgraphName(params.name!), positiveInt(params.version, "version")!) }),
    check: async ({ res, params, principal, body }) => {
      const name = subgraphName(params.name!);
      const input = await body();
      const check = await registry.check(name, input);
      // Kept for the console's checks page; the answer does not wait on it failing.
      await consoleReads
        .recordCheck(principal, name, input.sdl, check)
        .catch((err: unknown) => logger.warn({ err }, "could not keep the check"));
      sendJson(res, 200, { check });
    },
    publish: async ({ res, params, principal, body }) => {
      const name = subgraphName(params.name!);
      const result = await registry.publish(principal, name, await body());
      sendJson(res, result.status === "published" ? 201 : 200, result);
    },
    approve: async ({ res, params, principal, body }) => {
      const name = subgraphName(params.name!);
      sendJson(res, 201, await registry.approve(principal, name, await body()));
    },
    supergraph: serveSupergraph,
    supergraphVersions: async ({ res, query }) => {
      const limit = Math.min(positiveInt(query.get("limit"), "limit") ?? 50, 500);
      sendJson(res, 200, { versions: await registry.listSupergraphVersions(limit) });
    },
    supergraphVersion: async ({ res, params }) =>
      sendJson(res, 200, { supergraph: await registry.supergraphVersion(positiveInt(params.version, "version")!) }),
    diff: async ({ res, query }) =>
      sendJson(res, 200, { diff: await registry.diff(positiveInt(query.get("from"), "from"), positiveInt(query.get("to"), "to")) }),
    usage: async ({ res, body }) => {
      const { reports } = await body();
      const recorded = await registry.recordUsage(
        reports.map((r) => ({
          identifiedBy: r.identifiedBy,
          operationName: r.operationName ?? "(anonymous)",
          clientName: r.clientName ?? (r.identifiedBy === "persisted" ? "(trusted documents)" : "(unknown)"),
          clientVersion: r.clientVersion ?? "",
          coordinates: r.coordinates,
          count: r.count,
          timestamp: r.timestamp ? new Date(r.timestamp) : new Date(),
        })),
      );
      sendJson(res, 202, recorded);
    },
    supergraphChanges: async ({ res, params }) =>
      sendJson(res, 200, { changes: await consoleReads.supergraphChanges(positiveInt(params.version, "version")!) }),
    checks: async ({ res, query }) => {
      const limit = Math.min(positiveInt(query.get("limit"), "limit") ?? 50, 500);
      const subgraph = query.get("subgraph");
      sendJson(res, 200, { checks: await consoleReads.listChecks(limit, subgraph ? subgraphName(subgraph) : undefined) });
    },
    usageSummary: async ({ res, query }) =>
      sendJson(res, 200, {
        usage: await consoleReads.usageSummary(positiveInt(query.get("windowHours"), "windowHours"), query.get("client") || undefined),
      }),
    graphFields: async ({ res, query }) =>
      sendJson(res, 200, { graph: await consoleReads.graphFields(positiveInt(query.get("windowHours"), "windowHours")) }),
    policyHistory: async ({ res, query }) =>
      sendJson(res, 200, { changes: await consoleReads.policyHistory(Math.min(positiveInt(query.get("limit"), "limit") ?? 200, 1000)) }),
    routers: async ({ res }) => sendJson(res, 200, { routers: await consoleReads.listRouters() }),
    routerReport: async ({ res, body }) => {
      await consoleReads.recordRouterReport(await body());
      sendJson(res, 200, { recorded: true });
    },
  };

  /**
   * The current supergraph with an ETag (its sha256). With If-None-Match naming it: 304, or with
   * `?wait=N` the answer waits up to N seconds for a new version (long-poll).
   */
  async function serveSupergraph({ req, res, query }: HandlerContext<Endpoints["supergraph"]>) {
    const wait = positiveInt(query.get("wait"), "wait");
    if (wait !== undefined && wait > config.longPollMaxSeconds) {
      throw new RegistryError("BAD_USER_INPUT", `wait must be at most ${config.longPollMaxSeconds} seconds.`);
    }
    const known = etagsOf(req.headers["if-none-match"]);
    let latest = await registry.latestSupergraph();
    const isKnown = (hash: string) => known.includes(hash) || known.includes("*");
    if ((!latest || isKnown(latest.sdlHash)) && wait) {
      const gone = new AbortController();
      res.once("close", () => gone.abort());
      const changed = await registry.waitForChange(latest?.sdlHash ?? "", wait * 1000, AbortSignal.any([gone.signal, options.shutdown]));
      if (changed) latest = await registry.latestSupergraph();
    }
    if (!latest) throw new RegistryError("NOT_FOUND", "The registry has no supergraph yet: publish a subgraph or run `registry import`.");
    const headers = { etag: `"${latest.sdlHash}"`, "x-supergraph-version": String(latest.version), "cache-control": "no-cache" };
    if (isKnown(latest.sdlHash)) {
      res.statusCode = 304;
      for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
      res.end();
      return;
    }
    const { sdl, sdlHash, ...rest } = latest;
    sendJson(res, 200, { supergraph: { ...rest, hash: sdlHash, sdl } }, headers);
  }

  async function route(req: IncomingMessage, res: ServerResponse, matched: { name: string }): Promise<string> {
    const url = new URL(req.url ?? "/", "http://registry.invalid");
    const pathname = url.pathname;
    const operational = await serveOperationalRoute(pathname, res, { readiness: options.readiness, metrics });
    if (operational) return operational;
    // The console's pages and assets hold no data (that comes from the API, with a token): no token to load them.
    if (pathname === "/console" || pathname.startsWith("/console/")) return serveConsole(req, res, pathname, options.consoleAssets);
    const match = matchEndpoint(req.method ?? "", pathname);
    if (!match) {
      const allowed = methodsFor(pathname);
      if (allowed.length === 0) throw new RegistryError("NOT_FOUND", `No route for ${pathname}.`);
      res.setHeader("allow", allowed.join(", "));
      sendJson(res, 405, { error: { code: "BAD_REQUEST", message: `${req.method} is not allowed on ${pathname}.` } });
      return routeLabel(matchEndpoint(allowed[0]!, pathname)!.name);
    }
    matched.name = routeLabel(match.name);
    const endpoint: Endpoint = endpoints[match.name];
    const principal = authenticate(config, req.headers);
    if (endpoint.auth === "router") requireRouter(principal, match.name === "routerReport" ? "report what a router serves" : undefined);
    const body = async () => parseBody(endpoint.body!, await readJson(req, config.maxBodyBytes)) as never;
    const handler = handlers[match.name] as (ctx: HandlerContext<Endpoint>) => Promise<void>;
    await handler({ req, res, params: match.params, query: url.searchParams, principal, body });
    return matched.name;
  }

  return (req, res) => {
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("x-request-id", requestId);
    const started = performance.now();
    const pathname = (req.url ?? "/").split("?")[0]!;
    let errorCode: string | undefined;
    // The route's name labels the request's metric even when it fails.
    const matched = { name: "unknown" };
    void route(req, res, matched)
      .catch((error: unknown) => {
        if (error instanceof RegistryError) {
          errorCode = error.code;
          if (!res.headersSent) sendJson(res, error.status, { error: { code: error.code, message: error.message }, ...error.details });
          return matched.name;
        }
        errorCode = "INTERNAL_SERVER_ERROR";
        logger.error({ err: error, requestId, path: pathname }, "request failed");
        const message = config.production
          ? `Internal server error (request ${requestId}).`
          : `Internal server error (request ${requestId}): ${(error as Error).message}`;
        if (!res.headersSent) sendJson(res, 500, { error: { code: "INTERNAL_SERVER_ERROR", message } });
        else res.destroy();
        return matched.name;
      })
      .then((name) => {
        metrics.httpRequests.inc({ route: name, status: String(res.statusCode) });
        // Health probes and scrapes would drown the API lines.
        const level = name === "health" || name === "metrics" ? "debug" : "info";
        logger[level](
          {
            requestId,
            method: req.method,
            path: pathname,
            status: res.statusCode,
            code: errorCode,
            durationMs: +(performance.now() - started).toFixed(1),
          },
          "request",
        );
      });
  };
}
